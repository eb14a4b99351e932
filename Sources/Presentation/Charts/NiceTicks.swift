/// Tick values for a value axis: round steps (1, 2, 2.5 or 5 times a power of ten, in the
/// scale the unit writes them in) from zero to just above the largest value.
package struct NiceTicks: Sendable, Equatable {
    /// The axis top: the last tick, at or above the largest value.
    package var maximum: Double
    /// The tick values, 0 first.
    package var values: [Double]
    /// Decimals that tell every tick apart.
    package var decimals: Int

    /// Ticks from 0 to at least `maximum` with about `targetCount` steps, in `unit`'s scale.
    package init(maximum rawMaximum: Double, unit: ChartUnit, targetCount: Int = 5) {
        let maximum = rawMaximum.isFinite && rawMaximum > 0 ? rawMaximum : 1
        let divisor = unit.scale(forMaximum: maximum).divisor
        let scaled = maximum / divisor
        // At most targetCount + 1 steps: 3000 gets 500s (six), not 1000s (three).
        let rough = scaled / Double(max(1, targetCount) + 1)
        var power = 1.0
        while power * 10 <= rough { power *= 10 }
        while power > rough { power /= 10 }
        let step = [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        // A line on the top edge hides in the frame: keep 3% above the largest value.
        let headroom = rawMaximum.isFinite && rawMaximum > 0 ? 1.03 : 1
        let count = Int((scaled * headroom / step - 1e-9).rounded(.up))
        let steps = max(1, count)
        values = (0...steps).map { Double($0) * step * divisor }
        self.maximum = Double(steps) * step * divisor
        var decimals = 0
        var probe = step
        while abs(probe - probe.rounded()) > 1e-9 * max(1, probe), decimals < 6 {
            probe *= 10
            decimals += 1
        }
        self.decimals = decimals
    }
}
