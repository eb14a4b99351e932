/// Count, min, max, mean, standard deviation and percentiles of durations in nanoseconds, in
/// constant memory: percentiles come from a log-linear histogram (32 sub-buckets per power of
/// two, so within 3% of the exact value), the rest is exact.
public struct DurationStatistics: Sendable {
    public private(set) var count: UInt64 = 0
    public private(set) var minimum: UInt64 = .max
    public private(set) var maximum: UInt64 = 0
    public private(set) var total: UInt64 = 0
    private var sumOfSquares: Double = 0
    /// The sum again as a Double: the mean stays right when `total` saturates (durations from
    /// a corrupt trace near 2^64).
    private var sumAsDouble: Double = 0
    private var buckets: [UInt64] = []

    static let subBucketBits = 5

    public init() {}

    public mutating func add(_ duration: UInt64) {
        count += 1
        minimum = Swift.min(minimum, duration)
        maximum = Swift.max(maximum, duration)
        total = Self.saturatingSum(total, duration)
        let value = Double(duration)
        sumAsDouble += value
        sumOfSquares += value * value
        let bucket = Self.bucket(of: duration)
        if bucket >= buckets.count { buckets.append(contentsOf: repeatElement(0, count: bucket + 1 - buckets.count)) }
        buckets[bucket] += 1
    }

    public mutating func merge(_ other: DurationStatistics) {
        guard other.count > 0 else { return }
        count += other.count
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        total = Self.saturatingSum(total, other.total)
        sumAsDouble += other.sumAsDouble
        sumOfSquares += other.sumOfSquares
        if other.buckets.count > buckets.count {
            buckets.append(contentsOf: repeatElement(0, count: other.buckets.count - buckets.count))
        }
        for (index, value) in other.buckets.enumerated() { buckets[index] += value }
    }

    public var mean: Double { count == 0 ? 0 : (total == .max ? sumAsDouble : Double(total)) / Double(count) }

    private static func saturatingSum(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let (sum, overflowed) = lhs.addingReportingOverflow(rhs)
        return overflowed ? .max : sum
    }

    /// Population standard deviation (as lttng-analyses prints it); 0 below two values.
    public var standardDeviation: Double {
        guard count > 1 else { return 0 }
        let mean = self.mean
        return (Swift.max(0, sumOfSquares / Double(count) - mean * mean)).squareRoot()
    }

    /// The duration below which `fraction` (0...1) of the values fall, clamped to [min, max].
    public func percentile(_ fraction: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((fraction * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (bucket, value) in buckets.enumerated() where value > 0 {
            seen += value
            if seen >= rank { return Swift.min(Swift.max(Self.upperBound(of: bucket), minimum), maximum) }
        }
        return maximum
    }

    static func bucket(of value: UInt64) -> Int {
        let subBuckets = UInt64(1) << subBucketBits
        if value < subBuckets { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount
        let shift = magnitude - subBucketBits
        let sub = Int((value >> UInt64(shift)) & (subBuckets - 1))
        return (shift + 1) << subBucketBits + sub
    }

    static func upperBound(of bucket: Int) -> UInt64 {
        let subBuckets = 1 << subBucketBits
        if bucket < subBuckets { return UInt64(bucket) }
        let shift = bucket >> subBucketBits - 1
        let sub = UInt64(bucket & (subBuckets - 1))
        let mantissa = UInt64(subBuckets) + sub + 1
        // The top buckets' bound is 2^64 or more: a duration from a corrupt trace got there.
        guard 64 - mantissa.leadingZeroBitCount + shift <= 64 else { return .max }
        return (mantissa << UInt64(shift)) - 1
    }
}
