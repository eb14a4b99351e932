/// A process (thread group) or one of its threads, as named under /proc.
public struct TaskID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The thread group id (the "PID" users see).
    public let pid: Int32
    /// The thread id; equal to `pid` for the main thread.
    public let tid: Int32

    public init(pid: Int32) {
        self.pid = pid
        self.tid = pid
    }

    public init(pid: Int32, tid: Int32) {
        self.pid = pid
        self.tid = tid
    }

    public var isMainThread: Bool { pid == tid }

    /// The directory below the proc root: "PID" or "PID/task/TID".
    public var procfsComponent: String { isMainThread ? String(pid) : "\(pid)/task/\(tid)" }

    public var description: String { isMainThread ? String(pid) : "\(pid)/\(tid)" }
}

/// A process identified across PID reuse: the PID plus its start time since boot.
public struct ProcessIdentity: Hashable, Sendable, Codable {
    public let pid: Int32
    /// Start time in clock ticks after boot (field 22 of /proc/PID/stat).
    public let startTimeTicks: UInt64

    public init(pid: Int32, startTimeTicks: UInt64) {
        self.pid = pid
        self.startTimeTicks = startTimeTicks
    }
}
