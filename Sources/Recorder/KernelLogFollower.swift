import ContainerInventory
import LinuxHost
import Recording
import ResourceMetrics

/// Reads the kernel log as it grows and records its errors (OOM kills with their
/// container, hung tasks, I/O errors, RT throttling, any record at level err or worse).
final class KernelLogFollower {
    private let reader: KernelLogReader?
    private let procfs: Procfs
    private let layout: CgroupLayout?
    /// Why the log cannot be read; nil when it can.
    let problem: String?
    /// Errors seen since the start (the host's `kernelLogErrors` counter).
    private(set) var errorCount: UInt64 = 0
    /// Boot time in Unix ms: kernel records are stamped in µs since boot.
    private let bootUnixMilliseconds: Int64

    init(path: String, procfs: Procfs, layout: CgroupLayout?, bootUnixMilliseconds: Int64) {
        self.procfs = procfs
        self.layout = layout
        self.bootUnixMilliseconds = bootUnixMilliseconds
        do {
            reader = try KernelLogReader(path: path, start: .end)
            problem = nil
        } catch {
            reader = nil
            problem =
                error.isPermissionDenied
                ? "\(path): permission denied (needs root, or CAP_SYSLOG when kernel.dmesg_restrict=1): OOM kills are seen through counters only"
                : error.description
        }
    }

    /// The records logged since the last call, as events.
    func poll() -> [RecordedEvent] {
        guard let reader, let records = try? reader.readAvailable(maximumRecords: 2_000) else { return [] }
        guard !records.isEmpty else { return [] }
        var events: [RecordedEvent] = []
        for event in KernelLogEvent.classify(records) {
            errorCount += 1
            var attributes: [String: String] = ["kind": event.kind.rawValue]
            if let pid = event.pid { attributes["pid"] = String(pid) }
            if let comm = event.comm { attributes["comm"] = comm }
            if let device = event.device { attributes["device"] = device }
            let container = container(of: event).map { RecordedContainerKey($0.description) }
            events.append(
                RecordedEvent(
                    unixMilliseconds: bootUnixMilliseconds + Int64(event.secondsSinceBoot * 1000),
                    kind: event.kind == .oomKill ? .oomKill : .kernelLogError, container: container,
                    message: event.message, attributes: attributes))
        }
        return events
    }

    /// The container of a killed task: from its cgroup path (the process is gone), else its PID.
    private func container(of event: KernelLogEvent) -> ContainerKey? {
        if let path = event.cgroupPath, let match = CgroupPathRules.match(path) { return match.key }
        if let pid = event.pid, let read = try? procfs.cgroups(TaskID(pid: pid)) {
            let cgroups = layout?.hostView(of: read) ?? read
            for membership in cgroups.memberships {
                if let match = CgroupPathRules.match(membership.path) { return match.key }
            }
        }
        return nil
    }
}
