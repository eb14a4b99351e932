import Foundation

/// The seeded, deterministic harness of the parser fuzz tests: a failing case reproduces
/// from its parser's seed and case number.
///
/// Each parser runs `Fuzzing.caseCount(default:)` mutated inputs: a few hundred in the normal
/// run, any number with `PERISCOPE_FUZZ_CASES=N` (a long run, e.g. before a release):
///
///     PERISCOPE_FUZZ_CASES=20000 swift test --filter Fuzz
///
/// A crash kills the whole test process, so find crashes first with a standalone driver that
/// runs the `periscope` binary on mutated files and checks the exit signal; these tests keep
/// them from coming back. Every case must end in a clean result or a thrown error within
/// `Fuzzing.caseTimeLimitSeconds`.
public enum Fuzzing {
    /// Cases per parser: `PERISCOPE_FUZZ_CASES` when set, else `normal`.
    public static func caseCount(default normal: Int) -> Int {
        ProcessInfo.processInfo.environment["PERISCOPE_FUZZ_CASES"].flatMap(Int.init).map { max(1, $0) } ?? normal
    }

    /// No single input may take longer than this to parse (a hang is a failure, not a wait).
    public static let caseTimeLimitSeconds = 5.0

    /// SplitMix64: small, fast, and the same sequence on every machine.
    public struct Generator: RandomNumberGenerator {
        public var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    /// Numbers at the edges of the types parsers convert to: where overflow traps hide.
    public static let extremeNumbers = [
        "9223372036854775807", "-9223372036854775808", "18446744073709551615", "18446744073709551616", "4294967295",
        "2147483648",
        "-1", "0", "1e19", "-1e19", "1e308", "-1e308", "99999999999999999999999", "65535", "65536", "4096", "3",
        "0x7fffffffffffffff"
    ]

    /// `text` with 1-4 of its numbers replaced by extreme ones.
    public static func replacingNumbers(in text: [UInt8], using random: inout Generator) -> [UInt8] {
        var output = text
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let spans = numberSpans(in: output)
            guard let span = spans.randomElement(using: &random) else { break }
            output.replaceSubrange(span, with: Array(extremeNumbers.randomElement(using: &random)!.utf8))
        }
        return output
    }

    /// `bytes` damaged 1-20 times: random bytes, 0xff/0x00 words, truncation, insertion,
    /// copies of other words.
    public static func damagingBytes(_ bytes: [UInt8], using random: inout Generator) -> [UInt8] {
        var output = bytes
        for _ in 0..<Int.random(in: 1...20, using: &random) where !output.isEmpty {
            let index = Int.random(in: 0..<output.count, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                output[index] = UInt8.random(in: 0...255, using: &random)
            case 5, 6:
                let word: [UInt8] = [[0xff, 0xff, 0xff, 0xff], [0, 0, 0, 0], [0xff, 0xff, 0xff, 0x7f], [0, 0, 0, 0x80]]
                    .randomElement(using: &random)!
                output.replaceSubrange(index..<min(output.count, index + 4), with: word)
            case 7:
                output.removeSubrange(index...)
            case 8:
                output.insert(
                    contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    }, at: index)
            default:
                let from = Int.random(in: 0..<output.count, using: &random)
                let word = Array(output[from..<min(output.count, from + 4)])
                output.replaceSubrange(index..<min(output.count, index + word.count), with: word)
            }
        }
        return output
    }

    /// Runs `body` and returns how long it took, in seconds.
    public static func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func numberSpans(in bytes: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            let isDigit = bytes[index] >= 0x30 && bytes[index] <= 0x39
            guard isDigit else { index += 1; continue }
            var start = index
            if start > 0, bytes[start - 1] == UInt8(ascii: "-") { start -= 1 }
            while index < bytes.count,
                (bytes[index] >= 0x30 && bytes[index] <= 0x39) || bytes[index] == UInt8(ascii: ".")
            { index += 1 }
            spans.append(start..<index)
        }
        return spans
    }
}
