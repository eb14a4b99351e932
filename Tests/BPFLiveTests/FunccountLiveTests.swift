import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// funccount against real containers: uprobes on a binary that exists only inside a container
/// count exactly the calls made, tracepoint hits are attributed to the calling container, and
/// a killed run leaves no program, link or uprobe behind.
@Suite(.serialized) struct FunccountLiveTests {
    /// Starts `periscope funccount ARGUMENTS` with its output in files; the caller waits.
    static func start(_ arguments: [String]) throws -> (pid: pid_t, output: String, errors: String) {
        let output = BPFTestEnvironment.scratchPath("funccount.out")
        let errors = BPFTestEnvironment.scratchPath("funccount.err")
        let pid = try ChildProcess.spawn(
            [BPFTestEnvironment.periscopeBinary, "funccount"] + arguments, standardOutput: output,
            standardError: errors)
        return (pid, output, errors)
    }

    static func contents(_ path: String) -> String {
        defer { unlink(path) }
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    @Test(.live(if: CountedCallsWorkload.canRun, CountedCallsWorkload.reason))
    func uprobesOnABinaryOnlyInAContainerCountEveryCall() throws {
        let binary = try CountedCallsWorkload.build()
        defer { unlink(binary) }
        let container = try CountedCallsWorkload.startContainer("uprobe", binary: binary)
        defer { CountedCallsWorkload.remove(container) }
        // The path names nothing on the host: it is found only through the container's root.
        #expect(access(CountedCallsWorkload.pathInContainer, F_OK) != 0)
        let without = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "funccount", "-d", "1",
            "\(CountedCallsWorkload.pathInContainer):periscope_counted_*"
        ])
        #expect(without.status != 0)
        #expect(without.standardError.contains("--container NAME"), "\(without.standardError)")

        let before = try CountedCallsWorkload.funccountPrograms()
        let run = try Self.start([
            "--container", container, "-d", "8", "--json", "\(CountedCallsWorkload.pathInContainer):periscope_counted_*"
        ])
        var reaped = false
        defer { if !reaped { kill(run.pid, SIGKILL); ChildProcess.wait(run.pid) } }
        try #require(
            try CountedCallsWorkload.waitForNewPrograms(notIn: before, links: 2) != nil,
            "funccount did not link its 2 uprobes: \(Self.contents(run.errors))")
        try CountedCallsWorkload.exec(in: container, calls: 12_345, others: 678)
        try CountedCallsWorkload.exec(in: container, calls: 1000)
        let status = ChildProcess.wait(run.pid)
        reaped = true
        let errors = Self.contents(run.errors)
        #expect(status == 0, "\(errors)")
        let report = try FunccountJSON(Self.contents(run.output))
        #expect(report.probes == 2)
        #expect(report.droppedHits == 0)
        #expect(report.count("periscope_counted_call", container: container) == 13_345)
        #expect(report.count("periscope_counted_other", container: container) == 678)
        #expect(report.intervals.flatMap(\.rows).allSatisfy { $0.container == container })
    }

    @Test(.live(if: CountedCallsWorkload.canRun, CountedCallsWorkload.reason))
    func tracepointHitsAreCountedUnderTheCallingContainer() throws {
        let binary = try CountedCallsWorkload.build()
        defer { unlink(binary) }
        let busy = try CountedCallsWorkload.startContainer("tp-busy", binary: binary)
        defer { CountedCallsWorkload.remove(busy) }
        let idle = try CountedCallsWorkload.startContainer("tp-idle", binary: binary)
        defer { CountedCallsWorkload.remove(idle) }

        let before = try CountedCallsWorkload.funccountPrograms()
        let run = try Self.start([
            "--per-container", "-d", "8", "--json", "syscalls:sys_enter_sched_get_priority_m?x"
        ])
        var reaped = false
        defer { if !reaped { kill(run.pid, SIGKILL); ChildProcess.wait(run.pid) } }
        try #require(
            try CountedCallsWorkload.waitForNewPrograms(notIn: before, links: 1) != nil,
            "funccount did not link its tracepoint: \(Self.contents(run.errors))")
        try CountedCallsWorkload.exec(in: busy, calls: 0, syscalls: 4321)
        // The same binary on the host: its calls are the host's.
        let host = try BPFTestEnvironment.run([binary, "0", "0", "250"])
        #expect(host.status == 0)
        let status = ChildProcess.wait(run.pid)
        reaped = true
        let errors = Self.contents(run.errors)
        #expect(status == 0, "\(errors)")
        let report = try FunccountJSON(Self.contents(run.output))
        let event = "syscalls:sys_enter_sched_get_priority_max"
        #expect(report.probes == 1)
        #expect(report.count(event, container: busy) == 4321)
        #expect(report.count(event, container: idle) == 0)
        #expect(report.count(event, container: "host") >= 250)
    }

    @Test(.live(if: CountedCallsWorkload.canRun, CountedCallsWorkload.reason), arguments: [SIGKILL, SIGINT])
    func aStoppedRunLeavesNoProgramLinkOrUprobe(signal number: Int32) throws {
        let binary = try CountedCallsWorkload.build()
        defer { unlink(binary) }
        let container = try CountedCallsWorkload.startContainer("kill-\(number)", binary: binary)
        defer { CountedCallsWorkload.remove(container) }
        let pattern = "\(CountedCallsWorkload.pathInContainer):periscope_counted_*"

        let before = try CountedCallsWorkload.funccountPrograms()
        let run = try Self.start(["--container", container, pattern])
        var reaped = false
        defer { if !reaped { kill(run.pid, SIGKILL); ChildProcess.wait(run.pid) } }
        let programs = try #require(
            try CountedCallsWorkload.waitForNewPrograms(notIn: before, links: 2),
            "funccount did not link its 2 uprobes: \(Self.contents(run.errors))")
        try CountedCallsWorkload.exec(in: container, calls: 10)
        kill(run.pid, number)
        let status = ChildProcess.wait(run.pid)
        reaped = true
        let output = Self.contents(run.output)
        _ = Self.contents(run.errors)
        if number == SIGKILL {
            #expect(status == 128 + SIGKILL)
        } else {
            #expect(status == 0)
            #expect(output.contains("periscope_counted_call"), "\(output)")
        }
        // The kernel releases programs and links a moment after the last descriptor closes.
        var remaining = programs
        for _ in 0..<50 where !remaining.isEmpty {
            remaining = programs.intersection(try CountedCallsWorkload.funccountPrograms())
            if !remaining.isEmpty { usleep(100_000) }
        }
        #expect(remaining.isEmpty, "programs \(remaining) still loaded after signal \(number)")
        #expect(try BPFLinks.links(of: programs).isEmpty)
        let uprobeEvents = (try? String(contentsOfFile: "/sys/kernel/tracing/uprobe_events", encoding: .utf8)) ?? ""
        #expect(!uprobeEvents.contains("counted"), "\(uprobeEvents)")

        // A new run attaches again and counts.
        let againBefore = try CountedCallsWorkload.funccountPrograms()
        let again = try Self.start(["--container", container, "-d", "6", "--json", pattern])
        var againReaped = false
        defer { if !againReaped { kill(again.pid, SIGKILL); ChildProcess.wait(again.pid) } }
        try #require(try CountedCallsWorkload.waitForNewPrograms(notIn: againBefore, links: 2) != nil)
        try CountedCallsWorkload.exec(in: container, calls: 77)
        #expect(ChildProcess.wait(again.pid) == 0)
        againReaped = true
        _ = Self.contents(again.errors)
        #expect(
            try FunccountJSON(Self.contents(again.output)).count("periscope_counted_call", container: container) == 77)
    }

    @Test(.live(if: BPFTestEnvironment.canRunBPF, BPFTestEnvironment.bpfReason))
    func tooManyProbesIsRefusedBeforeAnythingIsLoaded() throws {
        let before = try? CountedCallsWorkload.funccountPrograms()
        let result = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "funccount", "--max-probes", "5", "-d", "1", "syscalls:sys_enter_*"
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("matches"), "\(result.standardError)")
        #expect(result.standardError.contains("more than the maximum of 5"), "\(result.standardError)")
        #expect(result.standardError.contains("--max-probes"))
        if let before { #expect(try CountedCallsWorkload.funccountPrograms().subtracting(before).isEmpty) }
    }
}

/// Without privileges funccount refuses before resolving or loading anything.
@Suite struct FunccountPermissionLiveTests {
    @Test(
        .live(if: DropToNobody.isPossible, DropToNobody.reason))
    func asNobodyItNamesTheCapabilities() throws {
        let result = try BPFTestEnvironment.run(
            DropToNobody.command([
                BPFTestEnvironment.periscopeBinary, "funccount", "-d", "1", "syscalls:sys_enter_read"
            ]))
        #expect(result.status != 0)
        #expect(result.standardError.contains("funccount loads a BPF program"), "\(result.standardError)")
        #expect(result.standardError.contains("CAP_BPF"))
        #expect(result.standardError.contains("CAP_PERFMON"))
        #expect(!result.standardOutput.contains("Tracing"))
    }
}
