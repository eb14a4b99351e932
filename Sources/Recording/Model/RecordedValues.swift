/// The values of one sample: at most one integer per metric, any metric may be missing.
///
/// Two parallel arrays rather than a dictionary: a sample holds a few dozen metrics, a linear
/// scan of them is cheaper than hashing, and the encoder walks them in order anyway.
public struct RecordedValues: Sendable, Equatable {
    /// The metrics present, in the order they were set.
    public private(set) var metrics: [RecordedMetric] = []
    /// Their values, aligned with `metrics`.
    public private(set) var integers: [Int64] = []

    public init() {}

    /// Values from `(metric, value)` pairs; a later pair for the same metric wins.
    public init(_ pairs: [(RecordedMetric, Int64)]) {
        metrics.reserveCapacity(pairs.count)
        integers.reserveCapacity(pairs.count)
        for (metric, value) in pairs { self[metric] = value }
    }

    /// How many metrics are present.
    public var count: Int { metrics.count }

    public var isEmpty: Bool { metrics.isEmpty }

    /// The value of `metric`, nil when missing; setting nil removes it.
    public subscript(metric: RecordedMetric) -> Int64? {
        get {
            guard let index = metrics.firstIndex(of: metric) else { return nil }
            return integers[index]
        }
        set {
            if let index = metrics.firstIndex(of: metric) {
                if let newValue {
                    integers[index] = newValue
                } else {
                    metrics.remove(at: index)
                    integers.remove(at: index)
                }
            } else if let newValue {
                metrics.append(metric)
                integers.append(newValue)
            }
        }
    }

    /// Adds a metric known not to be present yet, without looking (decoders of stored data,
    /// which hold each metric once per sample; the recorder, which refills a cleared sample).
    package mutating func appendUnchecked(_ metric: RecordedMetric, _ value: Int64) {
        metrics.append(metric)
        integers.append(value)
    }

    /// Removes every metric, keeping the arrays' storage for the next sample.
    package mutating func removeAll() {
        metrics.removeAll(keepingCapacity: true)
        integers.removeAll(keepingCapacity: true)
    }

    /// Sets an unsigned reading; nil, or a value beyond Int64 (never a real counter), is missing.
    public mutating func set(_ metric: RecordedMetric, _ value: UInt64?) {
        self[metric] = value.flatMap { Int64(exactly: $0) }
    }

    /// Sets a fractional reading scaled to the metric's integer unit (`scale` 1000 for a
    /// `...Milli` metric, 1e-3 for nanoseconds into a `...Microseconds` one), rounded to nearest.
    /// NaN, infinities and values beyond Int64 are stored as missing: the store keeps only what
    /// was really read.
    public mutating func set(_ metric: RecordedMetric, _ value: Double?, scale: Double = 1) {
        guard let value else { self[metric] = nil; return }
        let scaled = (value * scale).rounded()
        self[metric] = scaled.isFinite && abs(scaled) < 9.2e18 ? Int64(scaled) : nil
    }

    /// The value as a Double divided by `scale`, for readers that want `...Milli` back as a fraction.
    public func double(_ metric: RecordedMetric, scale: Double = 1) -> Double? {
        self[metric].map { Double($0) / scale }
    }

    /// Present metrics with their values, in metric-number order.
    public var sortedPairs: [(metric: RecordedMetric, value: Int64)] {
        zip(metrics, integers).sorted { $0.0 < $1.0 }.map { (metric: $0.0, value: $0.1) }
    }

    /// Equal when the same metrics hold the same values, whatever the order they were set in.
    public static func == (lhs: RecordedValues, rhs: RecordedValues) -> Bool {
        lhs.count == rhs.count
            && lhs.sortedPairs.elementsEqual(rhs.sortedPairs) { $0.metric == $1.metric && $0.value == $1.value }
    }
}
