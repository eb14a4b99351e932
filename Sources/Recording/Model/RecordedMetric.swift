/// One series the store keeps, by a stable number written into every sample block.
///
/// Every value is an integer in the unit its name says (microseconds, bytes, ticks, milli-units
/// for fractions), which is what lets blocks delta-encode losslessly. New metrics get new
/// numbers at the end of `RecordedMetric+Catalog.swift`; a number is never reused, so an older
/// reader meets an unknown number as a metric it does not name, never as a wrong one.
public struct RecordedMetric: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The number stored on disk. Numbers with the top bit set are roll-up peaks (`peak`).
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// How a metric behaves over time, which decides how it is rolled up and read.
    public enum Kind: String, Sendable, Codable {
        /// Only grows (until its source restarts): rolled up by keeping the last value, read as a rate.
        case counter
        /// A level at the moment of the sample: rolled up to the mean, with the maximum kept as `peak`.
        case gauge
        /// A setting (a cap, a total): rolled up by keeping the last value.
        case limit
    }

    /// The bit that marks the per-minute maximum of a gauge in rolled-up blocks.
    static let peakBit: UInt16 = 0x8000

    /// The maximum of this gauge over each roll-up period (present only in rolled-up data).
    public var peak: RecordedMetric { RecordedMetric(rawValue: rawValue | Self.peakBit) }

    /// True for the peak twin of a gauge.
    public var isPeak: Bool { rawValue & Self.peakBit != 0 }

    /// The gauge a peak belongs to (itself when it is not a peak).
    public var base: RecordedMetric { RecordedMetric(rawValue: rawValue & ~Self.peakBit) }

    /// Its catalog entry; nil for numbers a newer Periscope added.
    public var definition: Definition? { Self.definitionsByRawValue[base.rawValue] }

    /// Its kind; unknown metrics are treated as gauges (mean on roll-up, the safe choice).
    public var kind: Kind { definition?.kind ?? .gauge }

    /// Its name (`cpuUsageMicroseconds`), `metric<N>` when unknown, with `.peak` for peaks.
    public var name: String {
        let baseName = definition?.name ?? "metric\(base.rawValue)"
        return isPeak ? baseName + ".peak" : baseName
    }

    public var description: String { name }

    /// Finds a metric by its name (`cpuUsageMicroseconds`, `memoryWorkingSetBytes.peak`).
    public init?(name: String) {
        let isPeak = name.hasSuffix(".peak")
        let baseName = isPeak ? String(name.dropLast(5)) : name
        guard let definition = Self.catalog.first(where: { $0.name == baseName }) else { return nil }
        self = isPeak ? definition.metric.peak : definition.metric
    }

    public static func < (lhs: RecordedMetric, rhs: RecordedMetric) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A catalog entry: what a number means.
    public struct Definition: Sendable {
        public let metric: RecordedMetric
        public let name: String
        public let kind: Kind
        /// What one unit is, for people (`µs`, `bytes`, `1/1000`).
        public let unit: String
        /// One line of explanation (where the value comes from).
        public let summary: String
    }

    static let definitionsByRawValue: [UInt16: Definition] = Dictionary(
        uniqueKeysWithValues: catalog.map { ($0.metric.rawValue, $0) })
}
