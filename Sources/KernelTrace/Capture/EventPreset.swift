/// Named event sets the analyses need, so users type `-e sched` rather than ten tracepoints.
public enum EventPreset: String, CaseIterable, Sendable {
    case sched, syscalls, block, irq, mm, net, signal, oom

    /// The tracepoints, as `subsystem:event`. Events a kernel lacks are skipped with a note.
    public var events: [String] {
        switch self {
        case .sched:
            return [
                "sched:sched_switch", "sched:sched_wakeup", "sched:sched_wakeup_new", "sched:sched_waking",
                "sched:sched_migrate_task", "sched:sched_process_fork", "sched:sched_process_exec",
                "sched:sched_process_exit", "sched:sched_process_free", "task:task_rename"
            ]
        case .syscalls:
            return ["raw_syscalls:sys_enter", "raw_syscalls:sys_exit"]
        case .block:
            return ["block:block_rq_insert", "block:block_rq_issue", "block:block_rq_complete"]
        case .irq:
            return [
                "irq:irq_handler_entry", "irq:irq_handler_exit", "irq:softirq_entry", "irq:softirq_exit",
                "irq:softirq_raise"
            ]
        case .mm:
            return ["kmem:mm_page_alloc", "kmem:mm_page_free"]
        case .net:
            return ["net:net_dev_queue", "net:net_dev_xmit", "net:netif_receive_skb", "net:netif_rx", "napi:napi_poll"]
        case .signal:
            return ["signal:signal_generate", "signal:signal_deliver"]
        case .oom:
            return [
                "oom:mark_victim", "oom:oom_score_adj_update", "oom:wake_reaper", "oom:start_task_reaping",
                "oom:finish_task_reaping"
            ]
        }
    }

    /// What a preset is for, in `--help`.
    public static var helpList: String {
        allCases.map { "\($0.rawValue) (\($0.events.map { $0.split(separator: ":").last! }.joined(separator: ", ")))" }
            .joined(separator: "; ")
    }
}

/// One tracepoint: `subsystem:event` as tracefs names it under events/.
public struct TracepointName: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let subsystem: String
    public let event: String

    public init(subsystem: String, event: String) {
        self.subsystem = subsystem
        self.event = event
    }

    /// Parses `subsystem:event` (or `subsystem/event`); nil if malformed.
    public init?(parsing text: String) {
        let parts = text.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "/" }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            parts.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } })
        else { return nil }
        subsystem = String(parts[0])
        event = String(parts[1])
    }

    public var description: String { "\(subsystem):\(event)" }
    /// Its directory under events/.
    public var directory: String { "events/\(subsystem)/\(event)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.subsystem, lhs.event) < (rhs.subsystem, rhs.event) }
}

/// What the user asked for, resolved against the kernel's tracepoints.
public struct EventSelection: Sendable {
    public var tracepoints: [TracepointName]
    /// Preset members this kernel does not have (skipped, reported).
    public var missingFromPresets: [TracepointName]

    /// Resolves presets and `subsystem:event` names; an explicitly named event that does
    /// not exist is an error, a missing preset member only a note.
    public static func resolve(_ requests: [String], tracefs: Tracefs) throws(EventSelectionError) -> EventSelection {
        var chosen: [TracepointName] = []
        var missing: [TracepointName] = []
        for request in requests {
            if let preset = EventPreset(rawValue: request) {
                for name in preset.events {
                    let tracepoint = TracepointName(parsing: name)!
                    if tracefs.exists(tracepoint.directory + "/format") {
                        chosen.append(tracepoint)
                    } else {
                        missing.append(tracepoint)
                    }
                }
            } else if let tracepoint = TracepointName(parsing: request) {
                guard tracefs.exists(tracepoint.directory + "/format") else { throw .unknownEvent(request) }
                chosen.append(tracepoint)
            } else {
                throw .malformed(request)
            }
        }
        var seen = Set<TracepointName>()
        chosen = chosen.filter { seen.insert($0).inserted }
        if chosen.isEmpty { throw .empty }
        return EventSelection(tracepoints: chosen, missingFromPresets: missing)
    }
}

/// Why `-e` could not be resolved.
public enum EventSelectionError: Error, Sendable, CustomStringConvertible {
    case malformed(String)
    case unknownEvent(String)
    case empty

    public var description: String {
        switch self {
        case .malformed(let text):
            return
                "'\(text)' is neither a preset (\(EventPreset.allCases.map(\.rawValue).joined(separator: ", "))) nor subsystem:event"
        case .unknownEvent(let text):
            return "this kernel has no tracepoint \(text) (see /sys/kernel/tracing/available_events)"
        case .empty:
            return "none of the requested events exists on this kernel"
        }
    }
}
