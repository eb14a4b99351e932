/// A task's scheduling policy, field 41 of /proc/PID/stat (`SCHED_*` of sched(7)).
public enum SchedulingPolicy: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// `SCHED_OTHER` (0): the default CFS/EEVDF time sharing.
    case other
    /// `SCHED_FIFO` (1): real-time, runs until it blocks or a higher priority preempts it.
    case fifo
    /// `SCHED_RR` (2): real-time with a round-robin time slice among equal priorities.
    case roundRobin
    /// `SCHED_BATCH` (3).
    case batch
    /// `SCHED_IDLE` (5).
    case idle
    /// `SCHED_DEADLINE` (6).
    case deadline
    /// A number this table does not know.
    case unknown(Int64)

    /// The policy with number `value`.
    public init(number value: Int64) {
        switch value {
        case 0: self = .other
        case 1: self = .fifo
        case 2: self = .roundRobin
        case 3: self = .batch
        case 5: self = .idle
        case 6: self = .deadline
        default: self = .unknown(value)
        }
    }

    /// True for `SCHED_FIFO` and `SCHED_RR`, the policies RT group scheduling budgets.
    public var isRealTime: Bool { self == .fifo || self == .roundRobin }

    /// The name `chrt -p` prints.
    public var description: String {
        switch self {
        case .other: "SCHED_OTHER"
        case .fifo: "SCHED_FIFO"
        case .roundRobin: "SCHED_RR"
        case .batch: "SCHED_BATCH"
        case .idle: "SCHED_IDLE"
        case .deadline: "SCHED_DEADLINE"
        case .unknown(let value): "policy \(value)"
        }
    }

    /// Decodes the name `description` gives ("SCHED_FIFO", "policy 7").
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        let known: [SchedulingPolicy] = [.other, .fifo, .roundRobin, .batch, .idle, .deadline]
        self = known.first { $0.description == name } ?? .unknown(Int64(name.split(separator: " ").last ?? "") ?? -1)
    }

    /// Encodes the name users know from `chrt`, not the number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
