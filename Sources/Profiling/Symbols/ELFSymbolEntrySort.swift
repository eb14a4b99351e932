extension ELFSymbolTable.Entry {
    /// Whether `self` sorts before `other`: by start address, then `order` (binding rank,
    /// then position in the file). No two entries of one table tie.
    @inline(__always)
    func precedes(_ other: Self) -> Bool {
        start != other.start ? start < other.start : order < other.order
    }

    /// `entries` sorted by `precedes`: first spread into buckets by the high bits of the start
    /// address (one pass, in address order), then each bucket sorted on its own.
    ///
    /// A compiler's table is ~250,000 entries in file order, far from address order: one
    /// `sort` over all of them merged 24-byte entries through memory some 18 times and was half
    /// of loading the table. Buckets of a few dozen entries sort in cache. Addresses that all
    /// fall in one bucket (a hostile file) cost what one `sort` costs; the order is the same.
    static func sortedByAddress(_ entries: [Self]) -> [Self] {
        let count = entries.count
        guard count > 1 else { return entries }
        var lowest = UInt64.max, highest = UInt64.min
        for entry in entries {
            lowest = min(lowest, entry.start)
            highest = max(highest, entry.start)
        }
        // About 32 entries a bucket, at most 65,536 buckets.
        let bucketBits = min(16, Int.bitWidth - (count / 32).leadingZeroBitCount)
        let rangeBits = UInt64.bitWidth - (highest &- lowest).leadingZeroBitCount
        let shift = UInt64(max(0, rangeBits - bucketBits))
        let bucketCount = 1 << bucketBits
        // bucketStarts[b] is where bucket b begins in the result; [bucketCount] is the end.
        var bucketStarts = [Int](repeating: 0, count: bucketCount + 1)
        for entry in entries { bucketStarts[Int((entry.start &- lowest) >> shift) + 1] += 1 }
        for bucket in 0..<bucketCount { bucketStarts[bucket + 1] += bucketStarts[bucket] }
        var sorted = [Self](unsafeUninitializedCapacity: count) { target, initialized in
            var next = bucketStarts
            entries.withUnsafeBufferPointer { source in
                for entry in source {
                    let bucket = Int((entry.start &- lowest) >> shift)
                    (target.baseAddress! + next[bucket]).initialize(to: entry)
                    next[bucket] += 1
                }
            }
            initialized = count
        }
        sorted.withUnsafeMutableBufferPointer { all in
            for bucket in 0..<bucketCount where bucketStarts[bucket + 1] - bucketStarts[bucket] > 1 {
                var part = UnsafeMutableBufferPointer(rebasing: all[bucketStarts[bucket]..<bucketStarts[bucket + 1]])
                part.sort { $0.precedes($1) }
            }
        }
        return sorted
    }
}
