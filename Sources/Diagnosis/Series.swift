/// A metric's values over the intervals of a window, oldest first.
package struct Series: Sendable, Equatable {
    /// The values.
    package var values: [Double]

    /// Creates a value from its fields.
    package init(_ values: [Double]) { self.values = values }

    /// How many intervals.
    package var count: Int { values.count }

    /// The mean, 0 when empty.
    package var mean: Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// The largest value, 0 when empty.
    package var maximum: Double { values.max() ?? 0 }

    /// Mean of the first third (at least one value).
    package var firstThird: Double { Series(Array(values.prefix(thirdCount))).mean }

    /// Mean of the last third (at least one value).
    package var lastThird: Double { Series(Array(values.suffix(thirdCount))).mean }

    private var thirdCount: Int { max(1, values.count / 3) }
}
