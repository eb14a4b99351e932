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
        // Let it read the map once, so processes and stacks are in flight when it stops.
        let run = try SignalledRun.stop(
            [BPFTestEnvironment.periscopeBinary, "offcputime", "--folded"], afterAttaching: 1,
            "offcputime did not attach to sched_switch", running: 1.3, with: number
        ) { pid throws in
            #expect(try LoadedPrograms.attachments(of: pid).map(\.tracepoint) == ["sched_switch"])
        }
        if number == SIGKILL {
            #expect(run.status == 128 + SIGKILL)
        } else {
            // Stopped cleanly: exit 0 and the folded stacks of the second.
            #expect(run.status == 0)
            #expect(run.output.contains("_[k] "))
        }
        #expect(try LoadedPrograms.attachments(of: run.pid).isEmpty)
        #expect(
            try !LoadedPrograms.anyLoaded(run.programs), "programs \(run.programs) still loaded after signal \(number)")

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
