import ContainerInventory
import LinuxHost

/// A kernel log record that says something went wrong, classified as the 60-second
/// checklist's `dmesg | tail` is read: OOM kills, hung tasks, I/O errors, other errors.
package struct KernelLogEvent: Sendable, Equatable, Codable {
    /// What kind of problem.
    package enum Kind: String, Sendable, Codable, CaseIterable {
        /// The OOM killer killed a process.
        case oomKill = "oom-kill"
        /// The hung-task detector saw a task blocked in D for longer than its timeout.
        case hungTask = "hung-task"
        /// A block device or file system reported an I/O error.
        case ioError = "io-error"
        /// "sched: RT throttling activated": an RT run queue used its whole budget (logged once per boot).
        case rtThrottling = "rt-throttling"
        /// Any other record at level err (3) or more severe.
        case error
    }

    /// What kind of problem.
    package var kind: Kind
    /// The record's time in seconds since boot.
    package var secondsSinceBoot: Double
    /// The record's text.
    package var message: String
    /// The process killed or hung (host PID).
    package var pid: Int32?
    /// Its command name.
    package var comm: String?
    /// The cgroup of the killed task (`task_memcg=` of the oom-kill line).
    package var cgroupPath: String?
    /// The device of an I/O error (`dev sda`, `loop0`).
    package var device: String?
    /// The container (`runtime:id`) the cgroup or PID belongs to, filled by the caller.
    package var container: ContainerKey?

    /// Creates a value from its fields.
    package init(
        kind: Kind, secondsSinceBoot: Double, message: String, pid: Int32? = nil, comm: String? = nil,
        cgroupPath: String? = nil, device: String? = nil, container: ContainerKey? = nil
    ) {
        self.kind = kind
        self.secondsSinceBoot = secondsSinceBoot
        self.message = message
        self.pid = pid
        self.comm = comm
        self.cgroupPath = cgroupPath
        self.device = device
        self.container = container
    }

    /// The problems among `records`, in log order. An OOM kill logs an `oom-kill:` summary
    /// (with the cgroup) and a `Killed process` line: they become one event.
    package static func classify(_ records: [KernelLogRecord]) -> [KernelLogEvent] {
        var events: [KernelLogEvent] = []
        for record in records {
            let message = record.message
            let seconds = Double(record.timestampMicroseconds) / 1e6
            if message.hasPrefix("oom-kill:") {
                let fields = keyValues(message.dropFirst("oom-kill:".count))
                events.append(
                    KernelLogEvent(
                        kind: .oomKill, secondsSinceBoot: seconds, message: message,
                        pid: fields["pid"].flatMap { Int32($0) }, comm: fields["task"],
                        cgroupPath: fields["task_memcg"] ?? fields["oom_memcg"]))
            } else if let range = message.range(of: "Killed process ") {
                let rest = message[range.upperBound...]
                let pid = Int32(rest.prefix { $0.isNumber })
                let comm = rest.firstIndex(of: "(").flatMap { open in
                    rest[open...].firstIndex(of: ")").map { String(rest[rest.index(after: open)..<$0]) }
                }
                if let index = events.lastIndex(where: { $0.kind == .oomKill && $0.pid == pid && pid != nil }) {
                    events[index].message += "; " + message
                } else {
                    events.append(
                        KernelLogEvent(
                            kind: .oomKill, secondsSinceBoot: seconds, message: message, pid: pid, comm: comm))
                }
            } else if message.hasPrefix("INFO: task "), message.contains(" blocked for more than ") {
                // "INFO: task NAME:PID blocked for more than 120 seconds."
                let rest = message.dropFirst("INFO: task ".count)
                let head = rest[..<(rest.range(of: " blocked")?.lowerBound ?? rest.endIndex)]
                let colon = head.lastIndex(of: ":")
                events.append(
                    KernelLogEvent(
                        kind: .hungTask, secondsSinceBoot: seconds, message: message,
                        pid: colon.flatMap { Int32(head[head.index(after: $0)...]) },
                        comm: colon.map { String(head[..<$0]) }))
            } else if message.contains("I/O error") || message.contains("critical medium error") {
                events.append(
                    KernelLogEvent(
                        kind: .ioError, secondsSinceBoot: seconds, message: message, device: device(in: message)))
            } else if message.hasPrefix("sched: RT throttling activated") {
                events.append(KernelLogEvent(kind: .rtThrottling, secondsSinceBoot: seconds, message: message))
            } else if record.level <= 3, record.facility == 0 {
                events.append(KernelLogEvent(kind: .error, secondsSinceBoot: seconds, message: message))
            }
        }
        return events
    }

    /// `key=value,key=value` pairs.
    private static func keyValues(_ text: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: ",") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            fields[String(pair[..<equals]).trimmingSpaces] = String(pair[pair.index(after: equals)...])
        }
        return fields
    }

    /// The device after "dev " ("I/O error, dev sda, sector 0"; "Buffer I/O error on dev loop0, ...").
    private static func device(in message: String) -> String? {
        guard let range = message.range(of: "dev ") else { return nil }
        let name = message[range.upperBound...].prefix { $0 != "," && $0 != " " && $0 != ")" }
        return name.isEmpty ? nil : String(name)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
