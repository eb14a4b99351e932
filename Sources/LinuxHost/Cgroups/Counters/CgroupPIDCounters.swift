/// Tasks in a cgroup and its limit (`pids.current`, `pids.max`; same files in v1 and v2).
public struct CgroupPIDCounters: Sendable, Equatable, Codable {
    /// Tasks (threads, not processes) in the cgroup and its descendants.
    public var current: UInt64?
    /// The limit; nil for "max".
    public var limit: UInt64?

    /// Creates a value from its fields.
    public init(current: UInt64? = nil, limit: UInt64? = nil) {
        self.current = current
        self.limit = limit
    }
}
