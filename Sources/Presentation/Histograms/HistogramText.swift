import Reporting
import TraceAnalysis

extension Log2Histogram {
    /// The text bcc's `print_log2_hist` prints: a header with `unit`, rows from `0 -> 1` up to
    /// the last non-empty slot, 40 stars for the largest count; past 2^32 the wide layout with 20.
    /// (bcc never prints values of 0; here they are counted in the `0 -> 1` row.)
    package func render(unit: String) -> String {
        guard let last = slots.lastIndex(where: { $0 > 0 }) else { return "" }
        let rows = self.rows
        let largest = Swift.max(rows.map(\.count).max() ?? 1, 1)
        let wide = last > 32
        let starWidth = wide ? 20 : 40
        var text =
            wide
            ? "\(String(repeating: " ", count: 15))\(unit.padded(toWidth: 29)) : count     distribution\n"
            : "\(String(repeating: " ", count: 5))\(unit.padded(toWidth: 19)) : count     distribution\n"
        let column = wide ? 20 : 10
        for row in rows {
            let bar = String(repeating: "*", count: Int(row.count * UInt64(starWidth) / largest)).padded(
                toWidth: starWidth)
            text +=
                "\(String(row.low).leftPadded(toWidth: column)) -> \(String(row.high).padded(toWidth: column)) : \(String(row.count).padded(toWidth: 8)) |\(bar)|\n"
        }
        return text
    }
}

extension LinearHistogram {
    /// The linear buckets in bcc's layout, bounds divided by `scale`.
    package func render(unit: String, scale: UInt64) -> String {
        let largest = Swift.max(buckets.max() ?? 1, 1)
        var text = "\(String(repeating: " ", count: 5))\(unit.padded(toWidth: 19)) : count     distribution\n"
        for (index, count) in buckets.enumerated() {
            let low = (lower + UInt64(index) * width) / scale
            let high = (lower + UInt64(index + 1) * width) / scale
            let bar = String(repeating: "*", count: Int(count * 40 / largest)).padded(toWidth: 40)
            text +=
                "\(String(low).leftPadded(toWidth: 10)) -> \(String(high).padded(toWidth: 10)) : \(String(count).padded(toWidth: 8)) |\(bar)|\n"
        }
        return text
    }
}
