import Foundation

/// Sizes on the command line: a number of bytes with an optional binary suffix (K, M, G, T,
/// also KiB, MiB...: 512M is 512 MiB).
enum ByteSizeText {
    static func parse(_ text: String) -> UInt64? {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        var shift: UInt64 = 0
        for (suffixes, bits) in [(["KiB", "K", "k"], 10), (["MiB", "M"], 20), (["GiB", "G"], 30), (["TiB", "T"], 40)]
            as [([String], UInt64)]
        {
            if let suffix = suffixes.first(where: { digits.hasSuffix($0) }) {
                digits = digits.dropLast(suffix.count)
                shift = bits
                break
            }
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = UInt64(digits), value > 0,
            value <= UInt64.max >> shift
        else { return nil }
        return value << shift
    }
}
