/// The counters of `per_cpu/cpuN/stats`: how many events a CPU's buffer holds, overwrote
/// and dropped. The source of the lost-event counts stored with every trace.
public struct CPUBufferStats: Sendable, Equatable {
    public var entries: UInt64 = 0
    /// Events overwritten before being read (overwrite mode).
    public var overrun: UInt64 = 0
    /// Events lost because a writer wrapped onto a page still being committed.
    public var commitOverrun: UInt64 = 0
    /// Events refused because the buffer was full (non-overwrite mode).
    public var droppedEvents: UInt64 = 0
    public var readEvents: UInt64 = 0
    /// Bytes written to the buffer and not read yet: how full it is.
    public var unreadBytes: UInt64 = 0

    public init() {}

    /// Parses `key: value` lines; unknown keys (timestamps, bytes) are ignored.
    public static func parse(_ text: String) -> CPUBufferStats {
        var stats = CPUBufferStats()
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            guard let value = UInt64(line[line.index(after: colon)...].trimmingCharacters(in: " \t")) else { continue }
            switch key {
            case "entries": stats.entries = value
            case "overrun": stats.overrun = value
            case "commit overrun": stats.commitOverrun = value
            case "dropped events": stats.droppedEvents = value
            case "read events": stats.readEvents = value
            case "bytes": stats.unreadBytes = value
            default: break
            }
        }
        return stats
    }

    /// Events this CPU lost: refused or half-committed, and overwritten unless the buffer
    /// overwrites its oldest events by design (a flight recorder's window sliding).
    public func lostEvents(overwritesOldest: Bool) -> UInt64 {
        saturatingSum(saturatingSum(overwritesOldest ? 0 : overrun, droppedEvents), commitOverrun)
    }

    /// Reads the stats of `cpu` in an instance.
    public static func read(instance: Tracefs, cpu: Int) throws(TracefsError) -> CPUBufferStats {
        parse(try instance.read("per_cpu/cpu\(cpu)/stats"))
    }
}
