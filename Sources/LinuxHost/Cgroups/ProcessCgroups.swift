/// One line of /proc/PID/cgroup: `hierarchy-ID:controller-list:cgroup-path`.
public struct CgroupMembership: Sendable, Equatable, Hashable, Codable {
    /// 0 for the cgroup v2 unified hierarchy.
    public var hierarchyID: Int
    /// v1 controllers of the hierarchy (`cpu`, `name=systemd`, ...); empty for v2.
    public var controllers: [String]
    /// Path relative to the hierarchy's root (as seen from the reader's cgroup namespace).
    public var path: String

    public init(hierarchyID: Int, controllers: [String], path: String) {
        self.hierarchyID = hierarchyID
        self.controllers = controllers
        self.path = path
    }

    public var isUnified: Bool { hierarchyID == 0 && controllers.isEmpty }

    /// A short label for this hierarchy: the joined controller list, or "unified" for v2.
    public var hierarchyLabel: String { isUnified ? "unified" : controllers.joined(separator: ",") }
}

/// The cgroups of one task, one entry per mounted hierarchy.
public struct ProcessCgroups: Sendable, Equatable, Hashable {
    public var memberships: [CgroupMembership]

    public init(memberships: [CgroupMembership]) { self.memberships = memberships }

    /// The path in the hierarchy that has `controller` (e.g. "cpu", "memory", "pids",
    /// "name=systemd"), or the unified path when no v1 hierarchy has it (pure v2 or hybrid).
    public func path(forController controller: String) -> String? {
        if let v1 = memberships.first(where: { $0.controllers.contains(controller) }) { return v1.path }
        return unifiedPath
    }

    /// The path in the cgroup v2 hierarchy (the `0::` line), if mounted.
    public var unifiedPath: String? { memberships.first(where: \.isUnified)?.path }

    /// Every distinct path, most specific-looking first (longest), for runtime detection.
    public var distinctPaths: [String] {
        var seen = Set<String>()
        return memberships.map(\.path).filter { seen.insert($0).inserted }.sorted { $0.count > $1.count }
    }

    /// Parses /proc/PID/cgroup bytes.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> ProcessCgroups {
        var memberships: [CgroupMembership] = []
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            let line = scanner.readLineRange()
            if line.isEmpty { continue }
            let lineBytes = UnsafeRawBufferPointer(rebasing: bytes[line])
            guard let firstColon = lineBytes.firstIndex(of: .colon),
                let secondColon = lineBytes[(firstColon + 1)...].firstIndex(of: .colon)
            else { throw HostReadError(path: path, malformed: "line without two ':' separators") }
            var idScanner = ByteScanner(UnsafeRawBufferPointer(rebasing: lineBytes[..<firstColon]))
            guard let hierarchyID = idScanner.readUInt64() else {
                throw HostReadError(path: path, malformed: "hierarchy id is not a number")
            }
            let controllerText = String(decoding: lineBytes[(firstColon + 1)..<secondColon], as: UTF8.self)
            let cgroupPath = String(decoding: lineBytes[(secondColon + 1)...], as: UTF8.self)
            memberships.append(
                CgroupMembership(
                    hierarchyID: Int(hierarchyID),
                    controllers: controllerText.isEmpty ? [] : controllerText.split(separator: ",").map(String.init),
                    path: cgroupPath
                ))
        }
        return ProcessCgroups(memberships: memberships)
    }
}

/// In JSON a task's cgroups are an object from hierarchy label ("cpu", "cpu,cpuacct",
/// "name=systemd", "unified") to path: what a script looks up. Hierarchy ids are not kept.
extension ProcessCgroups: Codable {
    public init(from decoder: any Decoder) throws {
        let paths = try decoder.singleValueContainer().decode([String: String].self)
        memberships = paths.sorted { $0.key < $1.key }.map { label, path in
            label == "unified"
                ? CgroupMembership(hierarchyID: 0, controllers: [], path: path)
                : CgroupMembership(
                    hierarchyID: -1, controllers: label.split(separator: ",").map(String.init), path: path)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(
            Dictionary(memberships.map { ($0.hierarchyLabel, $0.path) }, uniquingKeysWith: { first, _ in first }))
    }
}
