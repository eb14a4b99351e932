import Foundation
import Recording
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The rolling diagnosis of `periscope record` replays its window from the store it writes:
/// its stored findings are those `periscope diagnose --db` gives over the same window.
@Suite("rolling diagnosis, live", .serialized, .live(if: LiveRecording.dockerAvailable, LiveRecording.dockerReason))
struct RollingDiagnosisLiveTests {
    @Test("the rolling findings of a capped busy container equal diagnose --db over each window")
    func rollingFindingsEqualDiagnoseDB() throws {
        let directory = try LiveRecording.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 0.05 CPU is reached under any load: cap throttled whatever other builds run.
        let busy = "periscope-it-15e-\(getpid())-rolling"
        defer { _ = try? LiveRecording.run(["docker", "rm", "-f", busy]) }
        let busyID = try LiveRecording.check([
            "docker", "run", "-d", "--name", busy, "--cpus", "0.05", LiveRecording.testImage,
            "sh", "-c", "while :; do :; done"
        ])
        let busyKey = RecordedContainerKey(runtime: "docker", id: busyID)
        let recorder = try RecorderProcess(
            databasePath: directory + "/rec.db",
            arguments: ["--interval", "1s", "--json", "--diagnose-every", "5s", "--diagnose-window", "4s"])
        // Two windows at least: the first after 4 s of samples, the next 5 s later.
        #expect(recorder.waitForSamples(16, timeoutSeconds: 90), "\(recorder.output)")
        #expect(recorder.stop(signal: SIGTERM) == 0, "\(recorder.output)")

        let store = try RecordingStore(path: recorder.databasePath, mode: .readOnly)
        let findings = try store.findings()
        let windows = Dictionary(grouping: findings) {
            WindowRange(start: $0.windowStartUnixMilliseconds ?? 0, end: $0.unixMilliseconds)
        }
        let ours = findings.filter { $0.container == busyKey }
        #expect(ours.contains { $0.ruleID == "cpu.cap-throttled" }, "\(findings.map(\.ruleID))")
        #expect(windows.count >= 2, "\(windows.keys)")
        for (window, stored) in windows {
            #expect(window.end - window.start >= 4000 && window.end - window.start <= 5000, "\(window)")
            let result = try LiveRecording.run([
                LiveRecording.periscopeBinary, "diagnose", "--db", recorder.databasePath, "--json",
                "--since", "@\(Double(window.start) / 1000)", "--until", "@\(Double(window.end) / 1000)"
            ])
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
            let replayed = (report["findings"] as? [[String: Any]]) ?? []
            // Our container's findings, whole (evidence and blame included). Other sessions'
            // containers come and go on this host: whether one that stopped in the window's last
            // seconds counts as vanished can change once its stop event is stored, so only the
            // host's findings are compared beside ours, by rule and severity.
            let storedOurs = stored.filter { $0.container == busyKey }.compactMap { finding in
                finding.evidenceJSON.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary }
            }
            let replayedOurs = replayed.filter { $0["containerKey"] as? String == busyKey.rawValue }.map {
                NSDictionary(dictionary: $0)
            }
            #expect(Set(storedOurs) == Set(replayedOurs), "window \(window): \(storedOurs) vs \(replayedOurs)")
            let storedHost = Set(stored.filter { $0.container == nil }.map { "\($0.ruleID) \($0.severity)" })
            let replayedHost = Set(
                replayed.filter { $0["containerKey"] == nil }.map {
                    "\($0["rule"] as? String ?? "?") \($0["severity"] as? String ?? "?")"
                })
            #expect(storedHost == replayedHost, "window \(window)")
        }
    }

    private struct WindowRange: Hashable, CustomStringConvertible {
        var start: Int64
        var end: Int64
        var description: String { "\(start)...\(end)" }
    }
}
