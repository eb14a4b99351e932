import Diagnosis
import Foundation
import Presentation
import Reporting
import ResourceMetrics
import Testing
import TestSupport

/// Saved windows (`--from-window`) and thresholds files are files anyone can edit: mutated
/// ones decode and diagnose, or are refused with an error, never a trap, within the time
/// bound. A few hundred cases each; `PERISCOPE_FUZZ_CASES=N` for a long run (see `Fuzzing`).
@Suite struct DiagnosisInputFuzzTests {
    static func seedWindow() -> ObservationWindow {
        let web = Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 300, involuntary: 80)
        let batch = Synthetic.container("batch", usage: 1.2, throttledMilliseconds: 20)
        let kill = KernelLogEvent(
            kind: .oomKill, secondsSinceBoot: 1, message: "Killed process 1 (x)", pid: 1, comm: "x")
        return Synthetic.window(
            host: Synthetic.host(busy: 95), containers: [web, batch], kernelLog: KernelLogObservation(events: [kill]))
    }

    /// Diagnoses and renders every way the command does.
    static func diagnoseAndRender(_ window: ObservationWindow, _ thresholds: Thresholds = Thresholds()) throws {
        let report = Diagnoser(thresholds: thresholds).diagnose(window)
        _ = DiagnosisTextRenderer(verbose: true).render(report)
        _ = DiagnosisTextRenderer().render(report)
        _ = try JSONOutput.encode(report)
    }

    @Test("mutated saved windows decode and diagnose, or are refused")
    func mutatedSavedWindows() throws {
        let cases = Fuzzing.caseCount(default: 300)
        var random = Fuzzing.Generator(seed: 2)
        let seed = Array(try JSONEncoder().encode(Self.seedWindow()))
        try Self.diagnoseAndRender(try JSONDecoder().decode(ObservationWindow.self, from: Data(seed)))
        var outcomes = (clean: 0, refused: 0)
        for number in 0..<cases {
            let mutated =
                Bool.random(using: &random)
                ? Fuzzing.replacingNumbers(in: seed, using: &random) : Fuzzing.damagingBytes(seed, using: &random)
            let seconds = try Fuzzing.timed {
                guard let window = try? JSONDecoder().decode(ObservationWindow.self, from: Data(mutated)) else {
                    outcomes.refused += 1
                    return
                }
                try Self.diagnoseAndRender(window)
                outcomes.clean += 1
            }
            #expect(seconds < Fuzzing.caseTimeLimitSeconds, "case \(number) took \(seconds) s")
        }
        #expect(outcomes.clean > 0 && outcomes.refused > 0)
    }

    @Test("mutated thresholds files apply and diagnose, or are refused with a message")
    func mutatedThresholdsFiles() throws {
        let cases = Fuzzing.caseCount(default: 300)
        var random = Fuzzing.Generator(seed: 3)
        let seed = Array("{\(Thresholds.keys.map { "\"\($0.name)\": 10" }.joined(separator: ", "))}".utf8)
        var check = Thresholds()
        try check.apply(fileContents: Data(seed), source: "seed")
        let window = Self.seedWindow()
        var outcomes = (clean: 0, refused: 0)
        for number in 0..<cases {
            let mutated =
                Bool.random(using: &random)
                ? Fuzzing.replacingNumbers(in: seed, using: &random) : Fuzzing.damagingBytes(seed, using: &random)
            let seconds = try Fuzzing.timed {
                var thresholds = Thresholds()
                do {
                    try thresholds.apply(fileContents: Data(mutated), source: "fuzz.json")
                } catch {
                    #expect("\(error)".contains("fuzz.json") || "\(error)".contains("threshold"))
                    outcomes.refused += 1
                    return
                }
                try Self.diagnoseAndRender(window, thresholds)
                outcomes.clean += 1
            }
            #expect(seconds < Fuzzing.caseTimeLimitSeconds, "case \(number) took \(seconds) s")
        }
        #expect(outcomes.clean > 0 && outcomes.refused > 0)
    }
}
