import Foundation
import KernelTrace
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Signals at unlucky moments: a stop signal at any time after start leaves no tracefs
/// instance behind, and a SIGKILL (which nothing can handle) leaves a directory `dump` reads
/// up to the last page written, saying the recording was cut short.
@Suite(.serialized, .live(if: TraceTestEnvironment.tracefsAvailable, TraceTestEnvironment.tracefsReason))
struct TraceSignalLiveTests {
    /// Removes what a SIGKILLed run of this test left (its instance), as the next start would.
    private func removeLeftovers(of pid: pid_t) {
        guard let tracefs = TraceTestEnvironment.tracefs else { return }
        _ = TracefsInstance.removeStaleInstances(tracefs: tracefs)
        #expect(!TraceTestEnvironment.instanceExists(of: pid))
    }

    @Test(
        "SIGINT or SIGTERM in the first milliseconds never leaves an instance; a clean exit leaves a readable trace",
        arguments: [SIGINT, SIGTERM], [0, 5, 20, 40, 80, 150])
    func earlyStopSignal(_ signalNumber: Int32, _ delayMilliseconds: Int) throws {
        let output = TraceTestEnvironment.scratchPath("early-\(signalNumber)-\(delayMilliseconds)")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let recorder = try TraceShell.spawn([
            TraceTestEnvironment.periscopeBinary, "trace", "record", "-e", "sched", "-o", output
        ])
        usleep(useconds_t(delayMilliseconds * 1000))
        kill(recorder, signalNumber)
        let status = TraceShell.wait(recorder)
        #expect(!TraceTestEnvironment.instanceExists(of: recorder), "exit status \(status)")
        // Killed by the default handler is only acceptable before main ran: nothing exists then.
        if status == 128 + signalNumber {
            #expect(!FileManager.default.fileExists(atPath: output + "/metadata.json"))
        } else {
            #expect(status == 0)
            let (reader, _) = try CollectedEvents.read(output)
            #expect(reader.metadata.isComplete == true)
            #expect(reader.warnings.allSatisfy { !$0.contains("cut short") })
        }
    }

    @Test("after SIGKILL of trace record, dump reads the pages written and says the recording was cut short")
    func killedRecordingIsReadable() throws {
        let output = TraceTestEnvironment.scratchPath("sigkill")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let recorder = try TraceShell.spawn([
            TraceTestEnvironment.periscopeBinary, "trace", "record", "-e", "syscalls", "sched",
            "--buffer-size-kb", "256", "-o", output
        ])
        #expect(TraceTestEnvironment.waitForCapture(of: recorder))
        defer { removeLeftovers(of: recorder) }
        // The statedump is written once the start's inventory scan is done: on a host with
        // hundreds of containers that outlasts the capture's start.
        let statedumpWritten = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: output + "/statedump.json"), Date() < statedumpWritten {
            usleep(50_000)
        }
        // ~40,000 syscalls fill many pages; the recorder moves full pages every 100 ms.
        let dd = try TraceShell.spawn(
            ["dd", "bs=1", "count=20000"], standardOutput: "/dev/null", standardInput: "/dev/zero")
        #expect(TraceShell.wait(dd) == 0)
        usleep(500_000)
        kill(recorder, SIGKILL)
        #expect(TraceShell.wait(recorder) == 128 + SIGKILL)

        let (reader, collected) = try CollectedEvents.read(output)
        #expect(reader.metadata.isComplete == false)
        #expect(reader.warnings.contains { $0.hasPrefix("the recording was cut short") })
        #expect(
            collected.events.contains { $0.tid == dd && $0.name == "sys_enter" },
            "the pages written before the kill are read")
        #expect(reader.recordedStatedump.threads.contains { $0.tid == 1 }, "the statedump is written at the start")
        let dump = try TraceShell.periscope(["trace", "dump", output, "--json"])
        #expect(dump.status == 0, "\(dump.standardError)")
        #expect(dump.standardError.contains("periscope: warning: the recording was cut short"))
    }

    @Test("SIGKILL of an armed recorder right after a snapshot starts leaves that snapshot readable")
    func killedSnapshotIsReadable() throws {
        let output = TraceTestEnvironment.scratchPath("snapshot-kill")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let armed = try TraceShell.spawn([
            TraceTestEnvironment.periscopeBinary, "trace", "snapshot", "--arm", "-e", "sched", "syscalls",
            "-o", output, "-d", "60"
        ])
        #expect(TraceTestEnvironment.waitForCapture(of: armed))
        defer { removeLeftovers(of: armed) }
        let dd = try TraceShell.spawn(
            ["dd", "bs=1", "count=20000"], standardOutput: "/dev/null", standardInput: "/dev/zero")
        #expect(TraceShell.wait(dd) == 0)
        kill(armed, SIGUSR1)
        let snapshot = output + "/snapshot-001"
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: snapshot), Date() < deadline { usleep(1_000) }
        kill(armed, SIGKILL)
        TraceShell.wait(armed)
        #expect(FileManager.default.fileExists(atPath: snapshot))
        let dump = try TraceShell.periscope(["trace", "dump", snapshot, "--json"])
        #expect(dump.status == 0, "\(dump.standardError)")
        let (reader, _) = try CollectedEvents.read(snapshot)
        #expect(reader.metadata.mode == "snapshot")
        if reader.metadata.isComplete == false {
            #expect(dump.standardError.contains("the recording was cut short"))
        }
    }
}
