import Foundation
import Recording
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import Recorder

/// Under load the recording thread can lose seconds between the start of a sample and the
/// reads of its counters (last session: samples 3-4 s apart at a 1 s interval, PSI above
/// 100 %). Every stored sample must carry the time its counters were read, so that a rate
/// over two stored samples never exceeds what is physically possible.
@Suite(
    "periscope record: a delayed sample", .serialized,
    .live(if: LiveRecording.dockerAvailable, LiveRecording.dockerReason))
struct DelayedSampleLiveTests {
    /// Keeps the batches in memory.
    final class CollectingSink: RecordingSink {
        var batches: [RecordingBatch] = []
        func append(_ batch: RecordingBatch) throws { batches.append(batch) }
    }

    @Test("1.5 s lost before the reads: CPU within the cap, PSI at most 100 %, host ticks within its CPUs")
    func delayedSampleStaysWithinPhysicalBounds() throws {
        let name = LiveRecording.uniqueName("delayed")
        // Capped at half a CPU and spinning: it is throttled, so its own CPU PSI is high too.
        let id = try LiveRecording.check([
            "docker", "run", "-d", "--name", name, "--cpus", "0.5", LiveRecording.testImage,
            "sh", "-c", "while :; do :; done"
        ])
        defer { _ = try? LiveRecording.run(["docker", "rm", "-f", name]) }
        var options = RecorderOptions()
        options.diagnoseEverySeconds = 0
        options.probesDockerEngine = false
        options.followsDockerEvents = false
        let sink = CollectingSink()
        let recorder = Recorder(options: options, sink: sink)
        defer { recorder.stop() }
        let key = RecordedContainerKey(runtime: "docker", id: id)

        var batches: [RecordingBatch] = []
        batches.append(try recorder.sample())
        usleep(1_000_000)
        batches.append(try recorder.sample())
        // The next sample starts 0.3 s later but its thread is held 1.5 s before reading.
        usleep(300_000)
        recorder.willReadCounters = { usleep(1_500_000) }
        batches.append(try recorder.sample())
        recorder.willReadCounters = nil

        let entries = batches.compactMap { batch in batch.samples.first { $0.container == key } }
        try #require(entries.count == 3, "the container sampled in every batch")
        let old = entries[1], new = entries[2]
        let elapsedMilliseconds = Double(new.unixMilliseconds - old.unixMilliseconds)
        #expect(elapsedMilliseconds >= 1700, "stamped \(elapsedMilliseconds) ms apart for 1.8 s between the reads")
        func rate(_ metric: RecordedMetric) throws -> Double {
            let before = try #require(old.values[metric], "\(metric)"), after = try #require(new.values[metric])
            return Double(after - before) / 1000 / elapsedMilliseconds
        }
        // CFS may run a period's quota late: a tenth of a core over 1.8 s is slack enough.
        let cores = try rate(.cpuUsageMicroseconds)
        #expect(cores > 0.2 && cores <= 0.6, "\(cores) cores under a 0.5 cap")
        // PSI files are per-container only where cgroup2 gives them (here: the unified twin).
        if old.values[.cpuPressureSomeMicroseconds] != nil {
            let stalled = try rate(.cpuPressureSomeMicroseconds)
            #expect(stalled <= 1.01, "CPU PSI some \(stalled * 100) % of the time")
        }

        // The host's CPU ticks (USER_HZ 100) add up to at most its CPUs' time.
        let hostOld = try #require(batches[1].samples.first { $0.container == .host })
        let hostNew = try #require(batches[2].samples.first { $0.container == .host })
        let tickMetrics: [RecordedMetric] = [
            .hostCPUUserTicks, .hostCPUNiceTicks, .hostCPUSystemTicks, .hostCPUIdleTicks, .hostCPUIOWaitTicks,
            .hostCPUIRQTicks, .hostCPUSoftIRQTicks, .hostCPUStealTicks
        ]
        let ticks = tickMetrics.reduce(0.0) { sum, metric in
            sum + Double((hostNew.values[metric] ?? 0) - (hostOld.values[metric] ?? 0))
        }
        let cpuCount = Double(hostNew.values[.hostCPUCount] ?? Int64(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let hostElapsedSeconds = Double(hostNew.unixMilliseconds - hostOld.unixMilliseconds) / 1000
        #expect(
            ticks / hostElapsedSeconds <= cpuCount * 100 * 1.05 + 2 * cpuCount / hostElapsedSeconds,
            "\(ticks) ticks in \(hostElapsedSeconds) s on \(cpuCount) CPUs")
    }
}
