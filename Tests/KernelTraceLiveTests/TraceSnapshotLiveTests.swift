import Foundation
import KernelTrace
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The flight recorder on the real kernel: threshold and command triggers, the rate limit.
@Suite(.serialized, .live(if: TraceTestEnvironment.tracefsAvailable, TraceTestEnvironment.tracefsReason))
struct TraceSnapshotLiveTests {
    struct Summary: Decodable {
        struct Snapshot: Decodable {
            var directory: String
            var trigger: String
            var triggeredAtNs: UInt64
            private enum CodingKeys: String, CodingKey {
                case directory, trigger, triggeredAtNs = "triggeredAtMonotonicNanoseconds"
            }
        }
        var snapshots: [Snapshot]
        var suppressedTriggers: Int
    }

    static func summary(_ path: String) throws -> Summary {
        try JSONDecoder().decode(Summary.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test(.live(if: TraceTestEnvironment.dockerAvailable, TraceTestEnvironment.dockerReason))
    func aThresholdTriggeredSnapshotHoldsTheEventsBeforeTheTrigger() throws {
        // 5% of a CPU for a busy loop: nearly every CFS period ends throttled.
        let name = TraceTestEnvironment.uniqueContainerName("throttled")
        _ = try? TraceShell.run(["docker", "rm", "-f", name])
        let run = try TraceShell.run([
            "docker", "run", "-d", "--name", name, "--cpus", "0.05", TraceTestEnvironment.testImage,
            "sh", "-c", "while true; do :; done"
        ])
        defer { _ = try? TraceShell.run(["docker", "rm", "-f", name]) }
        #expect(run.status == 0, "\(run.standardError)")
        let busyPID =
            Int32(
                try TraceShell.run(["docker", "inspect", "--format", "{{.State.Pid}}", name]).standardOutput
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        let output = TraceTestEnvironment.scratchPath("threshold")
        defer {
            try? FileManager.default.removeItem(atPath: output)
            unlink(output + ".json")
        }
        let arm = try TraceShell.periscope([
            "trace", "snapshot", "--arm", "-e", "sched", "-o", output, "--window", "5",
            "--when", "container:\(name):throttled>50", "--sample-interval", "0.5",
            "--max-snapshots", "1", "-d", "30", "--json"
        ])
        #expect(arm.status == 0, "\(arm.standardError)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(arm.standardOutput.utf8))
        let snapshot = try #require(summary.snapshots.first)
        #expect(snapshot.trigger.contains("throttled>50"))
        let (reader, collected) = try CollectedEvents.read(snapshot.directory)
        #expect(reader.metadata.mode == "snapshot" && reader.metadata.snapshotTrigger == snapshot.trigger)
        let busyBefore = collected.events.filter {
            $0.name == "sched_switch" && $0.tid == busyPID && $0.timestamp < snapshot.triggeredAtNs
        }
        #expect(busyBefore.count >= 3, "the throttled loop was switched out repeatedly before the trigger")
        let earliest = try #require(collected.events.map(\.timestamp).min())
        #expect(earliest + 300_000_000 < snapshot.triggeredAtNs, "the snapshot reaches back before the trigger")
    }

    @Test func commandTriggersAreRateLimited() throws {
        let output = TraceTestEnvironment.scratchPath("ratelimit")
        defer {
            try? FileManager.default.removeItem(atPath: output)
            unlink(output + ".json")
        }
        let armed = try TraceShell.spawn(
            [
                TraceTestEnvironment.periscopeBinary, "trace", "snapshot", "--arm", "-e", "sched:sched_switch",
                "-o", output, "--min-interval", "60", "--json"
            ], standardOutput: output + ".json")
        #expect(TraceTestEnvironment.waitForCapture(of: armed))
        let first = try TraceShell.periscope(["trace", "snapshot", "--trigger", "--pid", String(armed)])
        #expect(first.status == 0, "\(first.standardError)")
        usleep(600_000)
        _ = try TraceShell.periscope(["trace", "snapshot", "--trigger", "--pid", String(armed)])
        usleep(600_000)
        kill(armed, SIGTERM)
        #expect(TraceShell.wait(armed) == 0)
        #expect(!TraceTestEnvironment.instanceExists(of: armed))
        let summary = try Self.summary(output + ".json")
        #expect(summary.snapshots.count == 1 && summary.suppressedTriggers == 1)
        #expect(summary.snapshots.first?.trigger.contains("SIGUSR1") == true)
        let (_, collected) = try CollectedEvents.read(try #require(summary.snapshots.first).directory)
        #expect(collected.events.contains { $0.name == "sched_switch" })
        let none = try TraceShell.periscope(["trace", "snapshot", "--trigger", "--pid", String(armed)])
        #expect(none.status != 0 && none.standardError.contains("no armed snapshot session"))
    }
}
