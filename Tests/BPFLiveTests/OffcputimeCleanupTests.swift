import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// offcputime stopped by SIGINT or SIGKILL leaves no program or perf event attached, and a
/// new run works; without privileges it refuses before loading anything.
@Suite(.serialized) struct OffcputimeCleanupTests {
    @Test(
        .live(
            if: BPFTestEnvironment.bpfAvailable && BPFTestEnvironment.bpftool != nil, BPFTestEnvironment.bpftoolReason),
        arguments: [SIGINT, SIGKILL])
    func stoppedRunLeavesNothingAttached(signal number: Int32) throws {
        let output = BPFTestEnvironment.scratchPath("offcputime-\(number).out")
        defer { unlink(output) }
        let pid = try ChildProcess.spawn(
            [BPFTestEnvironment.periscopeBinary, "offcputime", "--folded"], standardOutput: output, standardError: nil)
        var reaped = false
        defer { if !reaped { kill(pid, SIGKILL); ChildProcess.wait(pid) } }
        let programs = try #require(
            try LoadedPrograms.waitForAttachments(of: pid, count: 1), "offcputime did not attach to sched_switch")
        #expect(try LoadedPrograms.attachments(of: pid).map(\.tracepoint) == ["sched_switch"])
        // Let it read the map once, so processes and stacks are in flight when it stops.
        usleep(1_300_000)
        kill(pid, number)
        let status = ChildProcess.wait(pid)
        reaped = true
        if number == SIGKILL {
            #expect(status == 128 + SIGKILL)
        } else {
            // Stopped cleanly: exit 0 and the folded stacks of the second.
            #expect(status == 0)
            let text = try String(contentsOfFile: output, encoding: .utf8)
            #expect(text.contains("_[k] "))
        }
        #expect(try LoadedPrograms.attachments(of: pid).isEmpty)
        #expect(try !LoadedPrograms.anyLoaded(programs), "programs \(programs) still loaded after signal \(number)")

        let again = try BPFTestEnvironment.run([BPFTestEnvironment.periscopeBinary, "offcputime", "-d", "1", "--json"])
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput.contains("\"stacks\""))
    }

    @Test(.live(if: DropToNobody.isPossible, DropToNobody.reason))
    func asNobodyItNamesTheCapabilities() throws {
        let result = try BPFTestEnvironment.run(
            DropToNobody.command([BPFTestEnvironment.periscopeBinary, "offcputime", "-d", "1"]))
        #expect(result.status != 0)
        #expect(result.standardError.contains("offcputime loads a BPF program"))
        #expect(result.standardError.contains("CAP_BPF"))
        #expect(result.standardError.contains("CAP_PERFMON"))
        #expect(!result.standardOutput.contains("Tracing off-CPU"))
    }
}
