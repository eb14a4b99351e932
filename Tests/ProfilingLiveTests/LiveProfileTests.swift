import Foundation
import Testing
@testable import Profiling
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Whether this process may open a system-wide cpu-clock event (root or CAP_PERFMON, and no
/// seccomp filter in the way): the live tests need it and skip with this reason otherwise.
private let perfSamplingAvailable: Bool = {
    guard geteuid() == 0 else { return false }
    return (try? PerfRingBuffer(cpu: 0, frequencyHz: 10, dataPages: 1)) != nil
}()

@Suite("live profiling", .serialized)
struct LiveProfileTests {
    @Test(
        "2 s of a busy-loop process at 99 Hz: samples match the CPU time it got, all in its PID",
        .live(if: perfSamplingAvailable, "needs root (or CAP_PERFMON) and perf_event_open allowed by seccomp"),
        .timeLimit(.minutes(1)))
    func busyLoop() throws {
        // No raised priority: on a loaded 2-CPU machine a nice -15 loop can starve the profiler
        // itself. The assertion compares with the CPU time the loop really got instead.
        let busy = try SpawnedChild(["/bin/sh", "-c", "while :; do :; done"])
        defer { busy.kill() }
        let pid = busy.pid
        // No inventory needed: a failing scan leaves --pid profiling working, as on a host
        // without a runtime.
        let attribution = try SampleAttribution(target: .processes([pid])) {
            throw ProfileTargetError(description: "no inventory in this test")
        }
        var options = ProfileOptions()
        options.durationSeconds = 30
        // The window is measured here, not by the session's duration, and the loop is frozen
        // when it closes: symbolizing after sampling must not count as sampled CPU time.
        let before = busy.cpuSeconds()
        let started = ContinuousClock.now
        var cpuSeconds = 0.0
        let result = try ProfileSession(
            options: options, attribution: attribution,
            symbolizer: Symbolizer(kernel: KernelSymbols(parsing: UnsafeRawBufferPointer(start: nil, count: 0)))
        ).run {
            guard ContinuousClock.now - started >= .seconds(2) else { return false }
            _ = Glibc.kill(busy.pid, SIGSTOP)
            cpuSeconds = busy.cpuSeconds() - before
            return true
        }
        let samples = result.samplesByPID[pid, default: 0]
        // cpu-clock at 99 Hz gives ~99 samples per CPU-second the task ran; ticks are 10 ms.
        #expect(cpuSeconds > 0.2, "the loop barely ran (\(cpuSeconds) s): the machine is overloaded")
        #expect(Double(samples) >= 99 * (cpuSeconds - 0.05) * 0.6, "\(samples) samples for \(cpuSeconds) s of CPU")
        #expect(Double(samples) <= 99 * (cpuSeconds + 0.05) * 1.4 + 5, "\(samples) samples for \(cpuSeconds) s of CPU")
        #expect(result.samplesByPID.keys.allSatisfy { $0 == pid })
        #expect(result.stacks.stacks.allSatisfy { $0.frames.first == "sh" })
        #expect(result.stacks.totalCount == result.keptSampleCount)
        #expect(result.scope == .pidFilter(reason: "not a container target"))
        #expect(result.durationSeconds < 10, "the session did not stop when asked")
    }
}

@Suite("attribution of processes started after the scan")
struct LateProcessAttributionTests {
    /// The PIDs of `pid`'s children, from /proc/PID/task/PID/children.
    static func children(of pid: pid_t) -> [pid_t] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    @Test(
        "a child and a grandchild of a known process inherit its container without a rescan",
        .live(if: geteuid() == 0, "needs root to scan every process"), .timeLimit(.minutes(1)))
    func inheritsFromParent() throws {
        let attribution = try SampleAttribution(target: .all)
        // Started after the scan: a shell (unknown) whose child (unknown too) is a sleep.
        let shell = try SpawnedChild(["/bin/sh", "-c", "sleep 30 & wait"])
        defer { shell.kill() }
        var grandchild: pid_t?
        for _ in 0..<100 where grandchild == nil {
            grandchild = Self.children(of: shell.pid).first
            if grandchild == nil { usleep(20_000) }
        }
        let sleeper = try #require(grandchild)
        defer { _ = Glibc.kill(sleeper, SIGKILL) }
        #expect(attribution.verdict(pid: sleeper) == .unknown)
        let scansBefore = attribution.rescanCount
        #expect(attribution.resolveFromParent(pid: sleeper))
        #expect(attribution.verdict(pid: sleeper) == .keep(container: SampleAttribution.hostName))
        #expect(
            attribution.verdict(pid: shell.pid) == .keep(container: SampleAttribution.hostName),
            "the unknown parent was resolved on the way")
        #expect(attribution.rescanCount == scansBefore)
        #expect(attribution.inheritedPIDCount == 2)
        // A PID that does not exist is not invented.
        #expect(!attribution.resolveFromParent(pid: Int32.max - 1))
    }

    @Test(
        "a sample of a process that already exited is settled without a rescan; a running one waits",
        .live(if: geteuid() == 0, "needs root to scan every process"), .timeLimit(.minutes(1)))
    func exitedProcessSettlesWithoutRescan() throws {
        let all = try SampleAttribution(target: .all)
        let running = try SpawnedChild(["/bin/sleep", "30"])
        defer { running.kill() }
        let exited = try SpawnedChild(["/bin/true"])
        #expect(exited.wait() == 0)
        let scansBefore = all.rescanCount
        #expect(all.verdictForExited(pid: running.pid) == nil)
        #expect(all.verdictForExited(pid: exited.pid) == .keep(container: SampleAttribution.unknownName))
        #expect(all.rescanCount == scansBefore)
        // Another target drops it, as a rescan that could not find it would.
        let processes = try SampleAttribution(target: .processes([running.pid]))
        #expect(processes.verdictForExited(pid: exited.pid) == .drop)
    }
}
