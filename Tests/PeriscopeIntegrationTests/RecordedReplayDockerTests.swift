import Foundation
import Recording
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A real recorder on a real capped container: `diagnose --db` over the recorded window gives
/// the verdict a live `diagnose` gave at the same time, and `chart` draws the stored samples.
@Suite(.serialized, .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
struct RecordedReplayDockerTests {
    @Test(
        "diagnose --db over a recorded capped busy container agrees with live diagnose; chart draws the stored samples")
    func replayAgreesWithLive() throws {
        // 0.05 CPU is reached under any load on this shared machine (see DiagnoseScenarioTests).
        let busy = try DockerContainer(
            name: TestEnvironment.uniqueName("15c-replay"), options: ["--cpus", "0.05"],
            command: ["sh", "-c", "while :; do :; done"])
        defer { busy.remove() }
        let directory = NSTemporaryDirectory() + "periscope-replay-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/recording.db"
        let start = Date().timeIntervalSince1970
        let recorder = try Shell.spawn(
            [TestEnvironment.periscopeBinary, "record", "--db", database, "--interval", "1s"],
            standardError: directory + "/record.err")
        var recorderRunning = true
        defer { if recorderRunning { kill(recorder, SIGKILL); Shell.wait(recorder) } }
        // Live diagnosis while the recorder records the same seconds.
        Thread.sleep(forTimeInterval: 2)
        let live = try DiagnoseScenarioTests.diagnose([busy.name, "--duration", "6s"])
        Thread.sleep(forTimeInterval: 1)
        kill(recorder, SIGTERM)
        let recorderStatus = Shell.wait(recorder)
        recorderRunning = false
        #expect(
            recorderStatus == 0, "\((try? String(contentsOfFile: directory + "/record.err", encoding: .utf8)) ?? "")")
        let end = Date().timeIntervalSince1970
        let liveOutcome = DiagnoseScenarioTests.verdict(live.report, busy)?["outcome"] as? String
        #expect(liveOutcome == "cap throttled")

        let replay = try Shell.periscope([
            "diagnose", "--db", database, "--since", "@\(Int(start))", "--until", "@\(Int(end) + 1)", busy.name,
            "--json"
        ])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(replay.standardOutput.utf8)) as? [String: Any],
            "\(replay.standardError)")
        #expect(DiagnoseScenarioTests.verdict(report, busy)?["outcome"] as? String == liveOutcome)
        #expect(replay.status == live.status)

        // The chart's CPU points are the stored counters' rates, sample by sample.
        let svgPath = directory + "/cpu.svg"
        let chart = try Shell.periscope([
            "chart", "--db", database, busy.name, "--metric", "cpu", "--since", "@\(Int(start))", "--until",
            "@\(Int(end) + 1)",
            "-o", svgPath
        ])
        #expect(chart.status == 0, "\(chart.standardError)")
        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        let store = try RecordingStore(path: database, mode: .readOnly)
        let key = RecordedContainerKey(runtime: "docker", id: busy.id)
        let samples = try store.samples(
            of: key, from: Int64(Int(start)) * 1000, to: Int64(Int(end) + 1) * 1000, metrics: [.cpuUsageMicroseconds])
        let stored = zip(samples, samples.dropFirst()).compactMap { old, new -> (time: Double, cores: Double)? in
            guard let before = old.values[.cpuUsageMicroseconds], let after = new.values[.cpuUsageMicroseconds],
                after >= before,
                new.unixMilliseconds > old.unixMilliseconds
            else { return nil }
            return (
                Double(new.unixMilliseconds) / 1000,
                Double(after - before) / Double(new.unixMilliseconds - old.unixMilliseconds) / 1000
            )
        }
        let plot = try #require(SVGReading.plotFrames(svg).first)
        let maximum = try #require(SVGReading.panelMaxima(svg).first)
        let drawn = SVGReading.seriesPoints(svg, label: busy.name)
        #expect(stored.count >= 5)
        #expect(drawn.count == stored.count)
        for (point, sample) in zip(drawn, stored) {
            #expect(abs((plot.top + plot.height - point.y) / plot.height * maximum - sample.cores) < maximum / 1000)
        }
        // Screenshots of this chart are looked at by hand (README); the file is left for that only on request.
        if let keep = ProcessInfo.processInfo.environment["PERISCOPE_KEEP_CHART"] {
            try? FileManager.default.copyItem(atPath: svgPath, toPath: keep)
        }
    }
}
