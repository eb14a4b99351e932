/// A set of metrics without hashing: a bitmap over the catalog's numbers (below 256), a
/// plain set for the rest (roll-up peaks, numbers from newer versions).
struct MetricSet {
    private var low: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var high: Set<UInt16> = []

    /// Inserts `metric`; false when it was already there.
    mutating func insert(_ metric: RecordedMetric) -> Bool {
        let raw = metric.rawValue
        guard raw < 256 else { return high.insert(raw).inserted }
        let bit = UInt64(1) << UInt64(raw & 63)
        switch raw >> 6 {
        case 0: if low.0 & bit != 0 { return false }; low.0 |= bit
        case 1: if low.1 & bit != 0 { return false }; low.1 |= bit
        case 2: if low.2 & bit != 0 { return false }; low.2 |= bit
        default: if low.3 & bit != 0 { return false }; low.3 |= bit
        }
        return true
    }
}
