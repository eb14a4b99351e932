import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `top` and `diagnose` while short-lived containers come and go: descriptors stay flat (a
/// vanished container's are released at once, under a 1024 open-file limit as users have),
/// and every new container is named in the first sample that shows it.
@Suite(
    "container churn", .serialized,
    .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason)
)
struct ContainerChurnTests {
    /// Containers started one after another, each living `lifetime` seconds (`--rm`), so a
    /// few are alive at any time and most vanish while periscope watches.
    private final class Churn {
        let prefix: String
        private(set) var idsByName: [String: String] = [:]
        init(_ base: String) { prefix = TestEnvironment.uniqueName(base) }

        func run(count: Int, lifetimeSeconds: Int, between: Double) throws {
            for index in 0..<count {
                let name = "\(prefix)-\(index)"
                let id = try Shell.check([
                    "docker", "run", "-d", "--rm", "--name", name, TestEnvironment.testImage, "sleep",
                    "\(lifetimeSeconds)"
                ])
                idsByName[name] = id
                Thread.sleep(forTimeInterval: between)
            }
        }

        deinit {
            for name in idsByName.keys { _ = try? Shell.run(["docker", "rm", "-f", name]) }
        }
    }

    /// What each open descriptor of a process points at (/proc/PID/fd).
    private static func descriptorTargets(_ pid: pid_t) -> [String]? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return nil }
        return entries.map {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) ?? "?"
        }
    }

    /// Descriptors that are not kept for another session's live container (this machine is
    /// shared): everything but the cgroup files of containers not ours and the net files of
    /// processes still alive. A descriptor of a vanished container or process counts.
    private static func count(_ targets: [String], periscope: pid_t, ours: Set<String>) -> Int {
        targets.filter { target in
            if let range = target.range(of: "/docker/") {
                let id = String(target[range.upperBound...].prefix { $0 != "/" })
                return ours.contains(id)
            }
            let parts = target.split(separator: "/")
            if parts.count >= 3, parts[0] == "proc", parts[2] == "net", let owner = Int32(parts[1]), owner != periscope
            {
                return !FileManager.default.fileExists(atPath: "/proc/\(owner)")
            }
            return true
        }.count
    }

    /// Starts periscope with a soft and hard open-file limit of 1024, as `ulimit -n 1024`.
    private static func spawnPeriscope(_ arguments: [String], output: String, errors: String) throws -> pid_t {
        try Shell.spawn(
            ["sh", "-c", "ulimit -n 1024 && exec \"$@\"", "sh", TestEnvironment.periscopeBinary] + arguments,
            standardOutput: output, standardError: errors)
    }

    /// Samples the descriptors every half second while `body` runs.
    private static func watchDescriptors(of pid: pid_t, during body: () throws -> Void) rethrows -> [[String]] {
        let counts = Counts()
        let watcher = Thread {
            while !counts.stop {
                if let targets = descriptorTargets(pid) { counts.append(targets) }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        watcher.start()
        defer { counts.stop = true }
        try body()
        // The last container exits 2 s after its start; the next sample drops it.
        Thread.sleep(forTimeInterval: 5)
        counts.stop = true
        Thread.sleep(forTimeInterval: 0.6)
        return counts.values
    }

    private final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [[String]] = []
        private var stopped = false
        var stop: Bool {
            get { lock.withLock { stopped } }
            set { lock.withLock { stopped = newValue } }
        }
        var values: [[String]] { lock.withLock { stored } }
        func append(_ value: [String]) { lock.withLock { stored.append(value) } }
    }

    private static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("periscope-churn-\(UUID().uuidString).\(suffix)")
            .path
    }

    @Test func topHoldsFlatDescriptorsAndNamesEveryNewContainer() throws {
        let output = Self.temporaryPath("json"), errors = Self.temporaryPath("err")
        defer { unlink(output); unlink(errors) }
        let pid = try Self.spawnPeriscope(["top", "--json", "-n", "0", "-d", "0.5"], output: output, errors: errors)
        var stopped = false
        defer { if !stopped { kill(pid, SIGKILL); Shell.wait(pid) } }
        Thread.sleep(forTimeInterval: 2)
        let churn = Churn("churn-top")
        let samples = try Self.watchDescriptors(of: pid) {
            try churn.run(count: 24, lifetimeSeconds: 2, between: 0.3)
        }
        let ours = Set(churn.idsByName.values)
        let counts = samples.map { Self.count($0, periscope: pid, ours: ours) }
        kill(pid, SIGTERM)
        Shell.wait(pid)
        stopped = true

        // Flat: the last count is within a few of the first (the leak was ~24 per container).
        let first = try #require(counts.first), last = try #require(counts.last)
        #expect(last <= first + 16, "descriptors grew from \(first) to \(last) (series \(counts)) over 24 containers")
        let leaked = (samples.last ?? []).filter { target in ours.contains { target.contains($0) } }
        #expect(leaked.isEmpty, "descriptors of vanished containers still open: \(leaked.prefix(5))")

        // Every row of a churned container carries its name, from the first frame it is in.
        let ids = Dictionary(uniqueKeysWithValues: churn.idsByName.map { ($0.value, $0.key) })
        var rowsSeen = 0, unnamed: [String] = []
        for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
            guard let frame = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let rows = frame["rows"] as? [[String: Any]]
            else { continue }
            for row in rows {
                guard let id = (row["id"] as? String).map({ String($0.drop { $0 != ":" }.dropFirst()) }),
                    let expected = ids[id]
                else { continue }
                rowsSeen += 1
                if row["name"] as? String != expected { unnamed.append("\(row["name"] ?? "nil") for \(expected)") }
            }
        }
        #expect(rowsSeen >= 24, "top showed only \(rowsSeen) rows of the 24 churned containers")
        #expect(unnamed.isEmpty, "unnamed rows: \(unnamed.prefix(10))")
        let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        #expect(!stderr.contains("Too many open files"), "\(stderr)")
    }

    @Test func diagnoseHoldsFlatDescriptorsAndFinishesUnderTheLimit() throws {
        let output = Self.temporaryPath("json"), errors = Self.temporaryPath("err"),
            window = Self.temporaryPath("window")
        defer { unlink(output); unlink(errors); unlink(window) }
        let pid = try Self.spawnPeriscope(
            ["diagnose", "--duration", "5m", "--interval", "1", "--json", "--save-window", window],
            output: output, errors: errors)
        var status: Int32 = -1
        defer { if status < 0 { kill(pid, SIGKILL); Shell.wait(pid) } }
        Thread.sleep(forTimeInterval: 2)
        let churn = Churn("churn-diag")
        let samples = try Self.watchDescriptors(of: pid) {
            try churn.run(count: 16, lifetimeSeconds: 2, between: 0.3)
        }
        let ours = Set(churn.idsByName.values)
        let counts = samples.map { Self.count($0, periscope: pid, ours: ours) }
        // Ctrl-C ends the window early and still diagnoses and saves what was seen.
        kill(pid, SIGINT)
        status = Shell.wait(pid)
        let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        #expect(status == 0 || status == 1, "diagnose exited \(status): \(stderr)")
        let first = try #require(counts.first), last = try #require(counts.last)
        #expect(last <= first + 16, "descriptors grew from \(first) to \(last) (series \(counts)) over 16 containers")
        let leaked = (samples.last ?? []).filter { target in ours.contains { target.contains($0) } }
        #expect(leaked.isEmpty, "descriptors of vanished containers still open: \(leaked.prefix(5))")

        // The window names every churned container it saw (never docker:<id12>).
        let saved = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: window))) as? [String: Any])
        let containers = try #require(saved["containers"] as? [[String: Any]])
        let names = Dictionary(uniqueKeysWithValues: churn.idsByName.map { ("docker:\($0.value)", $0.key) })
        let seen = containers.filter { names[$0["key"] as? String ?? ""] != nil }
        let unnamed = seen.filter { $0["displayName"] as? String != names[$0["key"] as? String ?? ""] }.map {
            $0["displayName"] ?? "nil"
        }
        #expect(seen.count >= 14, "the window saw \(seen.count) of the 16 churned containers")
        #expect(unnamed.isEmpty, "unnamed in the window: \(unnamed)")
    }
}
