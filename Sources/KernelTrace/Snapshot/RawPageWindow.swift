/// Cuts a snapshot's per-CPU pages down to the last N seconds: the ring buffer holds as much
/// as its size allows, the user asked for a time window. Pages are whole units, so the page
/// that straddles the cutoff is kept.
enum RawPageWindow {
    /// Rewrites `path` keeping pages whose events may be at or after `cutoffNs`. Returns the
    /// pages kept.
    static func trim(path: String, pageSize: Int, cutoffNs: UInt64) throws(TraceDirectoryError) -> Int {
        let file = try MappedFile(path: path)
        let pageCount = file.bytes.count / pageSize
        // A page's header time is its first event's base: page i may hold events up to the
        // time of page i+1, so keep it when the next page starts after the cutoff.
        var first = pageCount
        for index in 0..<pageCount {
            let nextStart: UInt64 =
                index + 1 < pageCount
                ? file.bytes.loadUnaligned(fromByteOffset: (index + 1) * pageSize, as: UInt64.self) : .max
            if nextStart >= cutoffNs {
                first = index
                break
            }
        }
        guard first > 0 else { return pageCount }
        let kept = Array(file.bytes[(first * pageSize)..<(pageCount * pageSize)])
        try TraceDirectoryWriter.write(kept, to: path)
        return pageCount - first
    }
}
