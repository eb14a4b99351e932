#if canImport(Glibc)
import Glibc
#endif
import ContainerInventory
import LinuxHost

/// Decides which samples belong to the profile and which container each comes from.
///
/// The PID-to-container map is an inventory snapshot refreshed at most every
/// `refreshNanoseconds` (or sooner, rate-limited, when a sample names a PID the snapshot
/// does not know), so processes started after the profile began are attributed too.
package final class SampleAttribution {
    /// Where a sample goes.
    package enum Verdict: Equatable, Sendable {
        /// Keep it under this container name (`[host]` for host processes).
        case keep(container: String)
        /// Not a process of the target.
        case drop
        /// A PID the current snapshot does not know.
        case unknown
    }

    package let target: ProfileTarget
    /// The root frame name of host processes.
    package static let hostName = "[host]"
    private let scan: () throws -> InventorySnapshot
    private var containerByPID: [Int32: String] = [:]
    private var wantedPIDs: Set<Int32> = []
    private var lastScanNanoseconds: UInt64 = 0
    let refreshNanoseconds: UInt64 = 5_000_000_000
    let unknownRescanNanoseconds: UInt64 = 1_000_000_000
    /// Where /proc is (tests use fixture trees).
    package var procRoot = "/proc"
    private let reader = KernelFileReader(initialCapacity: 4096, maximumFileBytes: 1 << 20)
    /// Unknown PIDs resolved from their parent, and those that needed a full rescan.
    package private(set) var inheritedPIDCount = 0
    package private(set) var rescanCount = 0
    static let maximumAncestry = 16
    /// PIDs whose parent did not tell, until the next scan.
    private var unresolvedPIDs: Set<Int32> = []
    /// The containers the target resolved to at the last scan, by display name.
    package private(set) var resolvedContainerNames: [String] = []
    /// Why the last refresh failed, if it did (the previous snapshot stays in use).
    package private(set) var lastRefreshFailure: String?
    /// For a container target, the perf_event cgroup directory of each container, so the kernel
    /// can restrict sampling to them; nil when one of them has none (the host, a container
    /// known only by its PID namespace, a cgroup hierarchy that is not mounted).
    package private(set) var cgroupScopes: [CgroupScope]?
    private let cgroupLayout: CgroupLayout?

    /// `scan` takes an inventory snapshot (every process, not only container inits);
    /// `cgroupLayout` locates the containers' perf_event cgroups (nil: no cgroup scoping).
    package init(
        target: ProfileTarget, cgroupLayout: CgroupLayout? = nil, scan: @escaping () throws -> InventorySnapshot
    ) throws {
        self.target = target
        self.scan = scan
        self.cgroupLayout = cgroupLayout
        try refresh(now: monotonicNanoseconds(), isFirst: true)
    }

    /// Attributes with a live inventory of this host (Docker over its default socket), scanned
    /// with only what attribution reads (`InventoryOptions.forAttribution(of:)`); `makeScanner`
    /// lets a command give the scanner its logger.
    package convenience init(
        target: ProfileTarget, inventoryOptions: InventoryOptions = InventoryOptions(),
        makeScanner: (InventoryOptions) -> InventoryScanner = { InventoryScanner(options: $0) }
    ) throws {
        let scanner = makeScanner(inventoryOptions.forAttribution(of: target))
        // Only a container target is scoped to cgroups; mountinfo on a host full of
        // containers is hundreds of lines, and `--all` has no use for it.
        var layout: CgroupLayout?
        if case .containers = target {
            layout = try? CgroupLayout.read(mountInfoPath: "\(inventoryOptions.procRoot)/self/mountinfo")
        }
        try self.init(target: target, cgroupLayout: layout) { try scanner.scan() }
    }

    /// Whether several root frames can appear, so the container name is worth a root frame.
    package var namesContainerInRootFrame: Bool {
        switch target {
        case .all, .containers: return true
        case .processes: return Set(wantedPIDs.compactMap { containerByPID[$0] }).count > 1
        }
    }

    /// Attributes an unknown PID without a scan when it is a child of a known process that
    /// stayed in its parent's cgroups and PID namespace (what a fork or a build's compiler
    /// does): it then belongs where the parent does. Returns whether it was resolved. A new
    /// container's first process has a parent outside its cgroup and is left to a rescan.
    @discardableResult
    package func resolveFromParent(pid: Int32) -> Bool {
        resolveFromParent(pid: pid, depth: 0)
    }

    /// A parent unknown too (a shell started by a new make) is resolved from its own parent
    /// first, up to `maximumAncestry` generations.
    private func resolveFromParent(pid: Int32, depth: Int) -> Bool {
        guard pid > 0, depth < Self.maximumAncestry, !unresolvedPIDs.contains(pid) else { return false }
        guard let parent = parentPID(of: pid),
            containerByPID[parent] != nil || resolveFromParent(pid: parent, depth: depth + 1),
            let container = containerByPID[parent],
            let childCgroups = bytes("\(procRoot)/\(pid)/cgroup"),
            childCgroups == bytes("\(procRoot)/\(parent)/cgroup"),
            let childNamespace = link("\(procRoot)/\(pid)/ns/pid"),
            childNamespace == link("\(procRoot)/\(parent)/ns/pid")
        else {
            unresolvedPIDs.insert(pid)
            return false
        }
        containerByPID[pid] = container
        if wantedPIDs.contains(parent), target != .all { wantedPIDs.insert(pid) }
        inheritedPIDCount += 1
        return true
    }

    private func bytes(_ path: String) -> [UInt8]? {
        try? reader.withContents(of: path) { Array($0) }
    }

    private func link(_ path: String) -> [UInt8]? {
        try? reader.withLinkTarget(of: path) { Array($0) }
    }

    /// Field 4 of /proc/PID/stat, read after the last `)` (the command may hold any byte).
    private func parentPID(of pid: Int32) -> Int32? {
        guard let stat = bytes("\(procRoot)/\(pid)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        var index = close + 1
        var field = 2
        var value: Int32 = 0
        var digits = 0
        while index < stat.count {
            let byte = stat[index]
            if byte == 0x20 {
                if field == 4, digits > 0 { return value }
                field += 1
            } else if field == 4, byte >= 0x30, byte <= 0x39 {
                value = value &* 10 &+ Int32(byte - 0x30)
                digits += 1
            }
            index += 1
        }
        return nil
    }

    /// Re-scans when the snapshot is older than five seconds.
    package func refreshIfDue(now: UInt64) {
        if now &- lastScanNanoseconds >= refreshNanoseconds { try? refresh(now: now, isFirst: false) }
    }

    /// Re-scans because a sample named an unknown PID, at most once a second.
    /// Returns whether a scan happened.
    @discardableResult
    package func refreshForUnknown(now: UInt64) -> Bool {
        guard now &- lastScanNanoseconds >= unknownRescanNanoseconds else { return false }
        try? refresh(now: now, isFirst: false)
        return true
    }

    /// The verdict for a PID that is unknown and unresolved from its parent when no rescan can
    /// change it: the process is gone (no /proc/PID), so no scan will ever list it. With
    /// `--all` its CPU time still counts, under `[unknown]`; other targets drop it (what a
    /// rescan that did not help ends in). Nil while it still runs: a rescan may place it.
    /// A build's short-lived compilers would otherwise cost a full scan a second for nothing.
    package func verdictForExited(pid: Int32) -> Verdict? {
        guard access("\(procRoot)/\(pid)", F_OK) != 0 else { return nil }
        return target == .all ? .keep(container: Self.unknownName) : .drop
    }

    /// The root frame name of samples whose process could not be attributed.
    package static let unknownName = "[unknown]"

    /// The verdict for a sample of host PID `pid`.
    package func verdict(pid: Int32) -> Verdict {
        switch target {
        case .all:
            if pid == 0 { return .keep(container: Self.hostName) }
            guard let name = containerByPID[pid] else { return .unknown }
            return .keep(container: name)
        case .processes, .containers:
            guard wantedPIDs.contains(pid) else {
                return containerByPID[pid] == nil && isContainerTarget ? .unknown : .drop
            }
            return .keep(container: containerByPID[pid] ?? Self.hostName)
        }
    }

    private var isContainerTarget: Bool {
        if case .containers = target { return true }
        return false
    }

    private func refresh(now: UInt64, isFirst: Bool) throws {
        lastScanNanoseconds = now
        rescanCount += 1
        unresolvedPIDs.removeAll(keepingCapacity: true)
        let snapshot: InventorySnapshot
        do {
            snapshot = try scan()
        } catch {
            lastRefreshFailure = "\(error)"
            if isFirst, case .processes(let pids) = target {
                // Without an inventory the PIDs can still be profiled, all as host processes.
                wantedPIDs = Set(pids)
                return
            }
            throw error
        }
        lastRefreshFailure = nil
        var byPID: [Int32: String] = [:]
        byPID.reserveCapacity(snapshot.processes.count)
        var namesByKey: [ContainerKey: String] = [:]
        for container in snapshot.containers { namesByKey[container.key] = container.displayName }
        for process in snapshot.processes {
            byPID[process.pid] =
                process.container.isHost ? Self.hostName : (namesByKey[process.container] ?? Self.hostName)
        }
        containerByPID = byPID
        switch target {
        case .all:
            resolvedContainerNames = snapshot.containers.map(\.displayName)
        case .processes(let pids):
            wantedPIDs = Set(pids)
            resolvedContainerNames = Array(Set(pids.compactMap { byPID[$0] })).sorted()
        case .containers(let queries):
            var keys: Set<ContainerKey> = []
            var names: [String] = []
            var scopes: [CgroupScope]? = []
            for query in queries {
                switch ContainerMatcher.resolve(query, in: snapshot) {
                case .success(let container):
                    keys.insert(container.key)
                    names.append(container.key.isHost ? Self.hostName : container.displayName)
                    if let scope = cgroupScope(of: container) { scopes?.append(scope) } else { scopes = nil }
                case .failure(let failure):
                    // A container that stops mid-profile keeps the samples it already gave.
                    if isFirst { throw ProfileTargetError(description: failure.description) }
                }
            }
            wantedPIDs = Set(snapshot.processes.lazy.filter { keys.contains($0.container) }.map(\.pid))
            resolvedContainerNames = names
            if isFirst { cgroupScopes = scopes }
        }
    }
}

extension InventoryOptions {
    /// These options with only what attributing samples to `target` reads: never the
    /// containers' hostnames, and each container's init process only for a container target
    /// (its cgroups scope the events). The first scan of `profile --all` on a host with
    /// hundreds of containers spent most of its time on them.
    package func forAttribution(of target: ProfileTarget) -> InventoryOptions {
        var options = self
        options.resolveHostnames = false
        if case .containers = target { return options }
        options.readInitProcesses = false
        return options
    }
}

extension SampleAttribution {
    /// The perf_event cgroup directory of a container's init, unless it is the host's root
    /// cgroup (sampling it would take every task).
    func cgroupScope(of container: Container) -> CgroupScope? {
        guard !container.key.isHost, let layout = cgroupLayout, let cgroups = container.cgroups,
            let hierarchy = layout.hierarchy(forController: "perf_event"),
            let directory = layout.directory(forController: "perf_event", of: cgroups),
            directory != hierarchy.mountPoint
        else { return nil }
        return CgroupScope(container: container.displayName, directory: directory)
    }
}

/// One container's cgroup directory for cgroup-scoped perf events.
package struct CgroupScope: Sendable, Equatable {
    /// The root frame name of its samples.
    package var container: String
    /// The directory in the hierarchy that serves perf_event (v1 perf_event or v2).
    package var directory: String

    package init(container: String, directory: String) {
        self.container = container
        self.directory = directory
    }
}

/// A target that does not resolve (no such container, ambiguous prefix).
package struct ProfileTargetError: Error, Sendable, CustomStringConvertible {
    package var description: String
}
