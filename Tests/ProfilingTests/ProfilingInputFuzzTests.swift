import Foundation
import Testing
import TestSupport
@testable import Presentation
@testable import Profiling

/// Folded stacks (flamegraph input) and perf maps (a container's /tmp/perf-PID.map) mutated:
/// each case parses and renders, or is refused with the line, never a trap, within the time
/// bound. A few hundred cases each; `PERISCOPE_FUZZ_CASES=N` for a long run (see `Fuzzing`).
@Suite struct ProfilingInputFuzzTests {
    @Test("mutated folded stacks parse and draw (plain and differential), or are refused with the line")
    func mutatedFoldedStacks() throws {
        let cases = Fuzzing.caseCount(default: 300)
        var random = Fuzzing.Generator(seed: 7)
        let seeds = try PerfFixtures.captures.map { try PerfFixtures.golden($0, "all") }
        var outcomes = (clean: 0, refused: 0)
        for number in 0..<cases {
            let seed = seeds[number % seeds.count]
            let mutated =
                Bool.random(using: &random)
                ? Fuzzing.replacingNumbers(in: seed, using: &random) : Fuzzing.damagingBytes(seed, using: &random)
            let seconds = Fuzzing.timed {
                do {
                    let stacks = try FoldedStacks.parse(mutated, name: "fuzz.folded")
                    let graph = FlameGraphSVG(stacks: stacks.stacks)
                    #expect(graph.totalCount == stacks.totalCount)
                    let baseline = try FoldedStacks.parse(seed)
                    _ = FlameGraphSVG(
                        differential: DifferentialStacks(
                            before: baseline, after: stacks, normalize: number % 2 == 0, negate: number % 3 == 0))
                    outcomes.clean += 1
                } catch {
                    #expect("\(error)".hasPrefix("fuzz.folded line "))
                    outcomes.refused += 1
                }
            }
            #expect(seconds < Fuzzing.caseTimeLimitSeconds, "case \(number) took \(seconds) s")
        }
        #expect(outcomes.clean > 0 && outcomes.refused > 0)
    }

    @Test("mutated perf maps parse, skipping and counting what is malformed, and look up without trapping")
    func mutatedPerfMaps() {
        let cases = Fuzzing.caseCount(default: 300)
        var random = Fuzzing.Generator(seed: 11)
        let seed = Array(
            """
            7f0000001000 40 LambdaForm$MH/0x0000000800c1 invoke
            0x7f0000002000 0x10 Interpreter
            7f0000003000 8 java.lang.String::hashCode
            ffffffffffff0000 ffff near the top
            7f0000004000 20 stub
            """.utf8)
        var malformedSeen = false
        for number in 0..<cases {
            let mutated =
                Bool.random(using: &random)
                ? Fuzzing.replacingNumbers(in: seed, using: &random) : Fuzzing.damagingBytes(seed, using: &random)
            let seconds = Fuzzing.timed {
                let map = PerfMap(parsing: mutated)
                malformedSeen = malformedSeen || map.malformedLineCount > 0
                for address: UInt64 in [
                    0, 0x7f00_0000_1000, 0x7f00_0000_2008, .max, UInt64.random(in: 0...UInt64.max, using: &random)
                ] {
                    if let entry = map.entry(containing: address) {
                        #expect(entry.start <= address && address - entry.start < entry.size)
                    }
                }
            }
            #expect(seconds < Fuzzing.caseTimeLimitSeconds, "case \(number) took \(seconds) s")
        }
        #expect(malformedSeen)
    }
}
