/// `value` with `digits` decimals, as `%.2f` prints it for 2: the one number formatter of every
/// renderer and finding message. Without Foundation's `String(format:)`, and total: "inf" for
/// +∞, "-" for -∞ and NaN (a rate that could not be computed), no "-0.0", and past 2^53, where
/// a Double has no decimals left and no integer holds it (a threshold of 1e19, a corrupt saved
/// window or trace), Swift's own spelling ("1e+19") instead of a trap.
public func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value > 0 ? "inf" : "-" }
    let digits = min(max(digits, 0), 15)
    var scale: UInt64 = 1
    for _ in 0..<digits { scale *= 10 }
    let rounded = (abs(value) * Double(scale)).rounded()
    guard rounded < 0x1p53 else { return "\(value)" }
    let scaled = UInt64(rounded)
    var text = (value < 0 && scaled > 0 ? "-" : "") + String(scaled / scale)
    if digits > 0 {
        let fraction = String(scaled % scale)
        text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
    return text
}
