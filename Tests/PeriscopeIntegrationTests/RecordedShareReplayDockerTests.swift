import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A container starved by neighbours with more CPU shares (not capped): `diagnose --db` over
/// the recorded window gives the "share throttled" verdict the live `diagnose` gave. The
/// recorder stores what the CPU bottleneck tree's share branch reads: the container's
/// involuntary context switches (for containers that want CPU), its cpuset, and idle time
/// per CPU, beside usage.
@Suite(.serialized, .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
struct RecordedShareReplayDockerTests {
    @Test("a starved low-shares container: diagnose --db gives the share-throttled verdict live diagnose gave")
    func shareVerdictReplays() throws {
        // Both pinned to CPU 0: it is busy whatever the other CPU does, and the starved one has
        // an eighth of the hog's shares.
        let starved = try DockerContainer(
            name: TestEnvironment.uniqueName("15d-starved"), options: ["--cpuset-cpus", "0", "--cpu-shares", "256"],
            command: DiagnoseScenarioTests.busyLoop)
        defer { starved.remove() }
        let hog = try DockerContainer(
            name: TestEnvironment.uniqueName("15d-hog"), options: ["--cpuset-cpus", "0", "--cpu-shares", "2048"],
            command: DiagnoseScenarioTests.busyLoop)
        defer { hog.remove() }
        let directory = NSTemporaryDirectory() + "periscope-share-replay-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/recording.db"
        let recorder = try Shell.spawn(
            [TestEnvironment.periscopeBinary, "record", "--db", database, "--interval", "1s", "--diagnose-every", "0"],
            standardError: directory + "/record.err")
        var recorderRunning = true
        defer { if recorderRunning { kill(recorder, SIGKILL); Shell.wait(recorder) } }
        Thread.sleep(forTimeInterval: 3)
        let start = Date().timeIntervalSince1970
        let live = try DiagnoseScenarioTests.diagnose([starved.name, "--duration", "6s"])
        let end = Date().timeIntervalSince1970
        Thread.sleep(forTimeInterval: 1.5)
        kill(recorder, SIGTERM)
        let recorderStatus = Shell.wait(recorder)
        recorderRunning = false
        #expect(
            recorderStatus == 0, "\((try? String(contentsOfFile: directory + "/record.err", encoding: .utf8)) ?? "")")
        let liveVerdict = DiagnoseScenarioTests.verdict(live.report, starved)
        #expect(liveVerdict?["outcome"] as? String == "share throttled", "live: \(liveVerdict ?? [:])")

        let replay = try Shell.periscope([
            "diagnose", "--db", database, "--since", "@\(Int(start))", "--until", "@\(Int(end.rounded(.up)))",
            starved.name, "--json"
        ])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(replay.standardOutput.utf8)) as? [String: Any],
            "\(replay.standardError)")
        let replayed = DiagnoseScenarioTests.verdict(report, starved)
        #expect(replayed?["outcome"] as? String == liveVerdict?["outcome"] as? String, "replayed: \(replayed ?? [:])")
        let finding = DiagnoseScenarioTests.findings(report, rule: "cpu.share-throttled", container: starved).first
        let neighbours = ((finding?["blame"] as? [String: Any])?["neighbours"] as? [[String: Any]]) ?? []
        let names = Set(neighbours.compactMap { $0["name"] as? String })
        #expect(names.contains(hog.name), "neighbours named on replay: \(names)")
    }
}
