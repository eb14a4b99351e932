import Foundation
import Testing

/// One container's line of `docker stats --no-stream`, the numbers users compare against.
struct DockerStats {
    var cpuPercent: Double
    var memoryUsageBytes: Double
    var blockWrittenBytes: Double
    var networkTransmittedBytes: Double

    static func read(_ container: String) throws -> DockerStats {
        let line = try Shell.check(["docker", "stats", "--no-stream", "--format", "{{json .}}", container])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        func field(_ key: String) throws -> String {
            try #require(object[key] as? String, "docker stats has no \(key): \(line)")
        }
        func parts(_ key: String) throws -> [String] {
            try field(key).split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return DockerStats(
            cpuPercent: try #require(Double(try field("CPUPerc").dropLast())),
            memoryUsageBytes: try size(parts("MemUsage")[0]),
            blockWrittenBytes: try size(parts("BlockIO")[1]),
            networkTransmittedBytes: try size(parts("NetIO")[1]))
    }

    /// Docker's sizes: `38.88MiB`, `332KiB`, `17.7GB`, `806B` (binary and decimal units).
    static func size(_ text: String) throws -> Double {
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("kB", 1e3), ("MB", 1e6), ("GB", 1e9),
            ("TB", 1e12), ("B", 1)
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            return try #require(Double(text.dropLast(suffix.count)), "not a size: \(text)") * scale
        }
        throw Shell.Failure(
            command: ["docker stats"],
            result: .init(status: 1, standardOutput: text, standardError: "unknown size unit"))
    }
}

/// `periscope stats NAME --json`, decoded loosely: tests read the fields they assert on.
struct PeriscopeStats {
    let object: [String: Any]

    init(_ container: String, interval: Double = 1) throws {
        let output = try Shell.check([
            TestEnvironment.periscopeBinary, "stats", container, "--json", "--interval", String(interval)
        ])
        object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    /// A number at a dotted path (`cgroup.cpu.usageCores.perSecond`); nil when absent.
    func number(_ path: String) -> Double? {
        var node: Any? = object
        for key in path.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
        return (node as? NSNumber)?.doubleValue
    }

    /// The interface's entry of `network`.
    func interface(_ name: String) -> PeriscopeStats? {
        let interfaces = object["network"] as? [[String: Any]] ?? []
        return interfaces.first { $0["interface"] as? String == name }.map { PeriscopeStats(object: $0) }
    }

    /// Written bytes per second summed over block devices: from the processes' /proc/PID/io
    /// when blkio does not account a disk (`cgroup.processIO`), else from the cgroup's files.
    var blockWrittenBytesPerSecond: Double {
        if let fallback = number("cgroup.processIO.writtenBytesPerSecond") { return fallback }
        let devices = (object["cgroup"] as? [String: Any])?["blockIO"] as? [[String: Any]] ?? []
        return devices.reduce(0) { $0 + (PeriscopeStats(object: $1).number("writtenBytesPerSecond") ?? 0) }
    }

    private init(object: [String: Any]) { self.object = object }
}
