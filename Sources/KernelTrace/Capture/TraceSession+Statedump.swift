extension TraceSession {
    /// Turns tracing on bracketed by the statedump, so every thread has a context: events
    /// are enabled first (tracing still off), then the full dump, then quick listings of /proc
    /// for processes born during it, then `tracing_on` in one write, then a rescan. A thread
    /// that exits before the first event is in the dump; one born after is caught by its
    /// fork event or the rescan. Returns the statedump and the time just before tracing_on.
    func startWithStatedump(
        _ collector: StatedumpCollector
    ) throws(TraceCaptureError) -> (statedump: RecordedStatedump, startNs: UInt64) {
        do { try enableEvents() } catch { throw .tracefs(error) }
        var statedump: RecordedStatedump
        do { statedump = try collector.initialDump(at: monotonicNanoseconds()).statedump } catch {
            throw .inventory(error)
        }
        // Until a listing finds nothing new (at most three rounds on a host that forks constantly).
        var rounds = 0
        while rounds < 3, collector.catchUp(at: monotonicNanoseconds(), into: &statedump) > 0 { rounds += 1 }
        let startNs = monotonicNanoseconds()
        do { try start() } catch { throw .tracefs(error) }
        _ = try? collector.rescan(at: monotonicNanoseconds(), into: &statedump)
        return (statedump, startNs)
    }
}
