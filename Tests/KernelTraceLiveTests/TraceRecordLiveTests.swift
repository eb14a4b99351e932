import Foundation
import KernelTrace
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `periscope trace record` on the real kernel: known workloads, the lifecycle of the tracefs
/// instance, and what the trace directory holds.
@Suite(.serialized, .live(if: TraceTestEnvironment.tracefsAvailable, TraceTestEnvironment.tracefsReason))
struct TraceRecordLiveTests {
    /// dd with bs=1 reads fd 0 and writes fd 1 exactly `count` times each.
    @Test func countsTheSyscallsOfAKnownProcess() throws {
        let output = TraceTestEnvironment.scratchPath("syscalls")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let recorder = try TraceShell.spawn(
            [
                TraceTestEnvironment.periscopeBinary, "trace", "record", "-e", "syscalls", "sched", "-d", "4", "-o",
                output
            ],
            standardError: output + ".err")
        defer { unlink(output + ".err") }
        #expect(TraceTestEnvironment.waitForCapture(of: recorder))
        let count = 1_500
        let dd = try TraceShell.spawn(
            ["dd", "bs=1", "count=\(count)"], standardOutput: "/dev/null", standardInput: "/dev/zero")
        #expect(TraceShell.wait(dd) == 0)
        #expect(
            TraceShell.wait(recorder) == 0, "\((try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "")")
        #expect(!TraceTestEnvironment.instanceExists(of: recorder))

        let (reader, collected) = try CollectedEvents.read(output)
        let ddEvents = collected.events.filter { $0.tid == dd }
        let reads = ddEvents.filter {
            $0.name == "sys_enter" && $0.integers["id"] == 0 && $0.syscallArguments.first == 0
        }
        let writes = ddEvents.filter {
            $0.name == "sys_enter" && $0.integers["id"] == 1 && $0.syscallArguments.first == 1
        }
        #expect(reads.count == count)
        #expect(writes.count == count)
        let readReturns = ddEvents.filter { $0.name == "sys_exit" && $0.integers["id"] == 0 && $0.integers["ret"] == 1 }
        #expect(readReturns.count == count)
        // The exec of dd and its exit are there, in order, with dd's name.
        let exec = try #require(
            collected.events.first { $0.name == "sched_process_exec" && $0.integers["pid"] == Int64(dd) })
        #expect(exec.strings["filename"]?.hasSuffix("/dd") == true)
        let exit = try #require(
            collected.events.first { $0.name == "sched_process_exit" && $0.integers["pid"] == Int64(dd) })
        #expect(exit.timestamp > exec.timestamp)
        #expect(exit.strings["comm"] == "dd")
        // Timestamps are CLOCK_MONOTONIC and within the capture.
        #expect(
            collected.events.allSatisfy {
                $0.timestamp >= reader.metadata.startNs && $0.timestamp <= reader.metadata.endNs
            })
        #expect(zip(collected.events, collected.events.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
        #expect(collected.lost == 0 && reader.metadata.lostEventCount == 0)
        #expect(reader.metadata.clock == "mono")
        #expect(reader.recordedStatedump.threads.contains { $0.tid == 1 && $0.namespaceTIDs == [1] })
        #expect(
            SyscallTable(machine: reader.metadata.machine).name(0) == "read"
                || !SyscallTable(machine: reader.metadata.machine).isKnown)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aStopSignalLeavesNoInstanceAndAReadableTrace(_ signalNumber: Int32) throws {
        let output = TraceTestEnvironment.scratchPath("signal-\(signalNumber)")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let recorder = try TraceShell.spawn([
            TraceTestEnvironment.periscopeBinary, "trace", "record", "-e", "sched", "syscalls", "-o", output
        ])
        #expect(TraceTestEnvironment.waitForCapture(of: recorder))
        #expect(TraceTestEnvironment.instanceExists(of: recorder))
        usleep(300_000)
        kill(recorder, signalNumber)
        #expect(TraceShell.wait(recorder) == 0)
        #expect(!TraceTestEnvironment.instanceExists(of: recorder))
        let (reader, collected) = try CollectedEvents.read(output)
        #expect(collected.events.count > 0)
        #expect(reader.metadata.endNs > reader.metadata.startNs)
        #expect(collected.events.contains { $0.name == "sched_switch" })
    }

    /// A 64 KiB buffer under a `dd bs=1` load, drained only when full (wake-up at 100 %, a
    /// 1 s poll): it grows while tracing, says so on stderr and in metadata.json and --json,
    /// stops at the ceiling, keeps every loss counted, and goes with the instance.
    @Test func aTooSmallBufferGrowsAndSaysSo() throws {
        let output = TraceTestEnvironment.scratchPath("growth")
        defer { try? FileManager.default.removeItem(atPath: output) }
        defer {
            unlink(output + ".json")
            unlink(output + ".err")
        }
        let recorder = try TraceShell.spawn(
            [
                TraceTestEnvironment.periscopeBinary, "trace", "record", "-e", "syscalls", "--buffer-size-kb", "64",
                "--max-buffer-size-kb", "512", "--wakeup-percent", "100", "--drain-interval-ms", "1000", "-d", "3",
                "--json", "-o", output
            ],
            standardOutput: output + ".json", standardError: output + ".err")
        #expect(TraceTestEnvironment.waitForCapture(of: recorder))
        let dd = try TraceShell.spawn(
            ["dd", "bs=1", "count=200000"], standardOutput: "/dev/null", standardInput: "/dev/zero")
        #expect(TraceShell.wait(dd) == 0)
        let errors = (try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? ""
        #expect(TraceShell.wait(recorder) == 0, "\(errors)")
        #expect(!TraceTestEnvironment.instanceExists(of: recorder))

        let (reader, collected) = try CollectedEvents.read(output)
        let growths = try #require(reader.metadata.bufferGrowths)
        #expect(growths.first?.fromKBPerCPU == 64)
        #expect(zip(growths, growths.dropFirst()).allSatisfy { $0.toKBPerCPU == $1.fromKBPerCPU && $0.atNs <= $1.atNs })
        #expect(reader.metadata.bufferSizeKBPerCPU == growths.last?.toKBPerCPU)
        #expect(reader.metadata.bufferSizeKBPerCPU <= 512)
        #expect(growths.allSatisfy { $0.atNs >= reader.metadata.startNs && $0.atNs <= reader.metadata.endNs })
        // Growth hides no loss: the pages' own loss marks never exceed the counters kept.
        #expect(collected.lost <= reader.metadata.lostEventCount)
        #expect(growths.allSatisfy { $0.lostEventsBefore <= reader.metadata.lostEventCount })
        #expect(errors.contains("ring buffers grown from 64 to 128 KiB per CPU"))
        let json = (try? String(contentsOfFile: output + ".json", encoding: .utf8)) ?? ""
        #expect(json.contains("\"fromKibibytesPerCPU\" : 64"))
        #expect(json.contains("\"bufferSizeKibibytesPerCPU\" : \(reader.metadata.bufferSizeKBPerCPU)"))
    }

    @Test func aStaleInstanceOfAKilledRunIsRemovedAtTheNextStart() throws {
        let tracefs = try #require(TraceTestEnvironment.tracefs)
        // A run killed with SIGKILL cannot clean up: its instance stays until the next start.
        let output = TraceTestEnvironment.scratchPath("killed")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let killed = try TraceShell.spawn([
            TraceTestEnvironment.periscopeBinary, "trace", "record", "-e", "sched", "-o", output
        ])
        #expect(TraceTestEnvironment.waitForCapture(of: killed))
        kill(killed, SIGKILL)
        TraceShell.wait(killed)
        #expect(TraceTestEnvironment.instanceExists(of: killed))

        let next = TraceTestEnvironment.scratchPath("after-killed")
        defer { try? FileManager.default.removeItem(atPath: next) }
        let result = try TraceShell.periscope(["trace", "record", "-e", "sched:sched_switch", "-d", "0.5", "-o", next])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!TraceTestEnvironment.instanceExists(of: killed))
        #expect(!tracefs.exists("instances/\(TracefsInstance.namePrefix)\(killed)"))
    }

    @Test func badInputGivesClearErrorsAndTouchesNothing() throws {
        let output = TraceTestEnvironment.scratchPath("bad")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let unknown = try TraceShell.periscope(["trace", "record", "-e", "sched:no_such_event", "-d", "1", "-o", output]
        )
        #expect(unknown.status != 0)
        #expect(unknown.standardError.contains("no tracepoint sched:no_such_event"))
        let preset = try TraceShell.periscope(["trace", "record", "-e", "schedule", "-d", "1", "-o", output])
        #expect(preset.standardError.contains("neither a preset"))
        let container = try TraceShell.periscope([
            "trace", "record", "--container", "periscope-no-such-container", "-d", "1", "-o", output
        ])
        #expect(container.status != 0)
        #expect(container.standardError.contains("no running container matches"))
        let instances = try FileManager.default.contentsOfDirectory(
            atPath: TraceTestEnvironment.tracefs!.path("instances"))
        #expect(
            !instances.contains {
                $0.hasPrefix(TracefsInstance.namePrefix) && TraceTestEnvironment.isDeadPeriscopeInstance($0)
            })
    }
}

extension TraceTestEnvironment {
    /// An instance whose creator no longer runs.
    static func isDeadPeriscopeInstance(_ name: String) -> Bool {
        guard let pid = Int32(name.dropFirst(TracefsInstance.namePrefix.count)) else { return false }
        return kill(pid, 0) != 0
    }
}
