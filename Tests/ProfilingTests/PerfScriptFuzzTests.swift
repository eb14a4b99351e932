import Testing
import TestSupport
@testable import Profiling

/// Hostile or damaged `perf script` text must fold to something, never crash or hang.
@Suite("PerfScriptFolder fuzz")
struct PerfScriptFuzzTests {
    /// A small deterministic generator (SplitMix64), so a failure reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    static let pieces: [[UInt8]] = [
        " ", "\t", "\n", "\n\n", "(", ")", " (", "->", "+0x1f", "0/0", "/", "[unknown]", ":", " 5 cycles:",
        ";", "\"", ".(", ").", "(anonymous namespace)", "/tmp/perf-1.map", "vmlinux", "_[k]", "\r", "#", "\u{0}",
        "\u{FF}", "99999999999999999999999"
    ].map { Array($0.utf8) }

    @Test("2,000 random truncations and garbage edits of the captures fold without crashing")
    func randomDamageNeverCrashes() throws {
        var random = SplitMix(state: 7)
        let captures = try PerfFixtures.captures.map { try PerfFixtures.input($0) }
        for iteration in 0..<Fuzzing.caseCount(default: 2_000) {
            var input = captures[iteration % captures.count]
            switch iteration % 4 {
            case 0:
                input.removeSubrange(Int.random(in: 0...input.count, using: &random)...)
            case 1:
                for _ in 0..<Int.random(in: 1...40, using: &random) {
                    input[Int.random(in: 0..<input.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            case 2:
                for _ in 0..<Int.random(in: 1...40, using: &random) {
                    let at = Int.random(in: 0...input.count, using: &random)
                    input.insert(contentsOf: Self.pieces.randomElement(using: &random)!, at: at)
                }
            default:
                let start = Int.random(in: 0..<input.count, using: &random)
                let end = min(input.count, start + Int.random(in: 1...4_000, using: &random))
                input = Array(input[start..<end])
            }
            let options = PerfScriptFoldOptions(
                includePID: iteration % 3 == 0, includeTID: iteration % 5 == 0, annotateKernel: iteration % 2 == 0,
                annotateJIT: iteration % 7 == 0, includeAddresses: iteration % 4 == 0
            )
            let folded = PerfScriptFolder.fold(text: input, options: options)
            for stack in folded.stacks {
                #expect(!stack.stack.contains(UInt8(ascii: "\n")))
            }
        }
    }

    @Test("2,000 random byte strings parse as headers and frames without crashing")
    func randomLinesNeverCrash() {
        var random = SplitMix(state: 11)
        let alphabet = Array("ab0123456789 \t/():[]->+x;_".utf8)
        for _ in 0..<Fuzzing.caseCount(default: 2_000) {
            let line = (0..<Int.random(in: 0...60, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            line.withUnsafeBytes { bytes in
                if let header = PerfScriptSampleHeader.parse(bytes) {
                    #expect(header.command.upperBound <= bytes.count)
                    #expect(header.threadID.upperBound <= bytes.count)
                }
                if let frame = PerfScriptFrameLine.parse(bytes) {
                    #expect(!frame.symbol.isEmpty && !frame.address.isEmpty)
                    #expect(frame.dso.upperBound < bytes.count)
                }
            }
        }
    }
}
