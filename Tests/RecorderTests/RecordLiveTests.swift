import Foundation
import Recording
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `periscope record` as a real process against real containers, read back through the
/// store's API: what it wrote while a capped busy container and an OOM-killed one ran, a
/// clean stop on SIGTERM, a store that opens after kill -9, and container churn with flat
/// memory and descriptors.
@Suite("periscope record, live", .serialized, .live(if: LiveRecording.dockerAvailable, LiveRecording.dockerReason))
struct RecordLiveTests {
    private static func removeContainers(_ names: [String]) {
        for name in names { _ = try? LiveRecording.run(["docker", "rm", "-f", name]) }
    }

    private static func unixMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test(
        "a capped busy container and an OOM-killed one: CPU near the cap, the kill, lifecycle events, the start duration"
    )
    func cappedAndOOMKilled() throws {
        let directory = try LiveRecording.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let busy = LiveRecording.uniqueName("busy"), hog = LiveRecording.uniqueName("oom")
        defer { Self.removeContainers([busy, hog]) }
        let recorder = try RecorderProcess(
            databasePath: directory + "/rec.db",
            arguments: ["--interval", "1s", "--json", "--diagnose-every", "10s", "--diagnose-window", "4s"])
        #expect(recorder.waitForSamples(2, timeoutSeconds: 30), "no status line: \(recorder.output)")
        let started = Self.unixMilliseconds()
        let busyID = try LiveRecording.check([
            "docker", "run", "-d", "--name", busy, "--cpus", "0.2", LiveRecording.testImage,
            "sh", "-c", "while :; do :; done"
        ])
        let hogID = try LiveRecording.check([
            "docker", "run", "-d", "--name", hog, "--memory", "32m", "--memory-swap", "32m", LiveRecording.testImage,
            "sh", "-c", "sleep 2; while :; do dd if=/dev/zero of=/dev/null bs=100M count=1; sleep 3; done"
        ])
        sleep(20)
        #expect(recorder.stop(signal: SIGTERM) == 0, "\(recorder.output)")
        let stopped = Self.unixMilliseconds()

        let store = try RecordingStore(path: recorder.databasePath, mode: .readOnly)
        let busyKey = RecordedContainerKey(runtime: "docker", id: busyID),
            hogKey = RecordedContainerKey(runtime: "docker", id: hogID)
        let containers = try store.containers(from: started, to: stopped)
        let recordedBusy = try #require(containers.first { $0.key == busyKey }, "\(containers.map(\.name))")
        #expect(recordedBusy.name == busy)
        #expect(recordedBusy.image == LiveRecording.testImage)
        #expect(recordedBusy.startedAtUnixMilliseconds.map { $0 >= started - 1000 && $0 <= stopped } == true)

        // CPU near the 0.2 cap: the usage counter's rate over the samples, and the quota stored as a limit.
        let samples = try store.samples(of: busyKey, from: started, to: stopped)
        #expect(samples.count >= 15, "one sample a second for ~20 s, got \(samples.count)")
        let usage = samples.compactMap { sample in
            sample.values[.cpuUsageMicroseconds].map { (sample.unixMilliseconds, $0) }
        }
        let first = try #require(usage.dropFirst(2).first), last = try #require(usage.last)
        let cores = Double(last.1 - first.1) / 1000 / Double(last.0 - first.0)
        #expect(cores > 0.12 && cores < 0.23, "CPU \(cores) cores against a 0.2 cap")
        #expect(samples.last?.values[.cpuQuotaMicroseconds] == 20_000)
        #expect(samples.last?.values[.cpuPeriodMicroseconds] == 100_000)
        #expect((samples.last?.values[.cpuThrottledPeriods] ?? 0) > 0)

        // The OOM kill: in the cgroup counter, and as an event from the kernel log or Docker.
        let hogSamples = try store.samples(of: hogKey, from: started, to: stopped)
        #expect((hogSamples.last?.values[.memoryOOMKills] ?? 0) >= 1, "oom_kill counter")
        #expect(hogSamples.last?.values[.memoryLimitBytes] == 32 << 20)
        let hogEvents = try store.events(from: started, to: stopped, container: hogKey)
        #expect(hogEvents.contains { $0.kind == .oomKill }, "\(hogEvents.map(\.message))")

        // Lifecycle from Docker's events: created, then started with its create → running time.
        let busyEvents = try store.events(from: started - 1000, to: stopped, container: busyKey)
        #expect(busyEvents.contains { $0.kind == .created })
        let start = try #require(busyEvents.first { $0.kind == .started })
        let duration = try #require(start.durationMicroseconds)
        #expect(duration > 1_000 && duration < 30_000_000, "create → running \(duration) µs")

        // The host: samples with the engine's latency; the rolling diagnosis ran without failing.
        let host = try store.samples(of: .host, from: started, to: stopped)
        #expect(host.count >= 15)
        #expect(host.contains { ($0.values[.runtimeAPILatencyMicroseconds] ?? 0) > 0 })
        let recorderEvents = try store.events(from: started, to: stopped).filter { $0.kind == .recorder }
        #expect(
            !recorderEvents.contains { $0.message.contains("rolling diagnosis failed") },
            "\(recorderEvents.map(\.message))")
    }

    @Test("SIGTERM: the last batch is committed, the process exits 0 and the store opens")
    func sigtermStopsCleanly() throws {
        let directory = try LiveRecording.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = try RecorderProcess(
            databasePath: directory + "/rec.db", arguments: ["--interval", "1s", "--json", "--diagnose-every", "0"])
        #expect(recorder.waitForSamples(3, timeoutSeconds: 30))
        #expect(recorder.stop(signal: SIGTERM) == 0)
        let lines = recorder.output.split(separator: "\n")
        let lastStatus = try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any]
        let lastTime = try #require((lastStatus?["unixMilliseconds"] as? NSNumber)?.int64Value)
        let store = try RecordingStore(path: recorder.databasePath, mode: .readOnly)
        // The batch of the last status line (taken when the signal arrived) is in the store. A
        // sample is stamped when its counters were read: after the batch's time, before the next
        // interval's.
        let host = try store.samples(of: .host, from: lastTime, to: lastTime + 999)
        #expect(host.count == 1)
        #expect(try store.samples(of: .host, from: 0, to: .max).count == lines.count)
    }

    @Test("kill -9 mid-run: the store opens and holds the batches committed before")
    func killNineLeavesAStoreThatOpens() throws {
        let directory = try LiveRecording.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var reportedTotal = 0
        for round in 0..<3 {
            let recorder = try RecorderProcess(
                databasePath: directory + "/rec.db",
                arguments: ["--interval", "200ms", "--json", "--diagnose-every", "0"])
            #expect(recorder.waitForSamples(3 + round, timeoutSeconds: 30))
            usleep(useconds_t.random(in: 0..<400_000))
            recorder.stop(signal: SIGKILL)
            reportedTotal += recorder.output.split(separator: "\n").count
            let store = try RecordingStore(path: recorder.databasePath)
            // Every batch whose status line was printed was committed before it; at most the
            // one in flight is lost.
            let stored = try store.samples(of: .host, from: 0, to: .max).count
            #expect(
                stored >= reportedTotal && stored <= reportedTotal + 3,
                "round \(round): \(stored) stored, \(reportedTotal) reported")
        }
    }
}
