/// A byte count scaled to the largest binary unit under 1024 of it (B, KiB, MiB, GiB, TiB,
/// PiB), for renderers to print with the number of decimals they show.
public enum BinaryUnits {
    public static let names = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]

    /// `count` divided down to its unit; the unit is "B" when `count` is under 1024.
    public static func scaled(_ count: Double) -> (value: Double, unit: String) {
        var value = count
        var unit = 0
        while value >= 1024, unit < names.count - 1 {
            value /= 1024
            unit += 1
        }
        return (value, names[unit])
    }
}

/// A byte count in binary units: `512 B`, `1.5 MiB` (`decimals` past bytes).
public func byteCount(_ count: Double, decimals: Int = 1) -> String {
    let (value, unit) = BinaryUnits.scaled(count)
    return unit == "B" ? "\(fixed(value, 0)) B" : "\(fixed(value, decimals)) \(unit)"
}
