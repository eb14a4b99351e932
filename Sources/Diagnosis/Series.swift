/// A metric's values over the intervals of a window, oldest first.
public struct Series: Sendable, Equatable {
    /// The values.
    public var values: [Double]

    /// Creates a value from its fields.
    public init(_ values: [Double]) { self.values = values }

    /// How many intervals.
    public var count: Int { values.count }

    /// The mean, 0 when empty.
    public var mean: Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// The largest value, 0 when empty.
    public var maximum: Double { values.max() ?? 0 }

    /// Mean of the first third (at least one value).
    public var firstThird: Double { Series(Array(values.prefix(thirdCount))).mean }

    /// Mean of the last third (at least one value).
    public var lastThird: Double { Series(Array(values.suffix(thirdCount))).mean }

    private var thirdCount: Int { max(1, values.count / 3) }
}
