import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The periscope binary stopped by SIGINT, SIGTERM or SIGKILL: no program or perf event of
/// it stays attached, and a new run then works.
@Suite(.serialized) struct RunqlatProcessCleanupTests {
    @Test(
        .enabled(if: BPFTestEnvironment.canRunBPFTool, BPFTestEnvironment.bpftoolReason),
        arguments: [SIGINT, SIGTERM, SIGKILL])
    func stoppedRunLeavesNothingAttached(signal number: Int32) throws {
        let run = try SignalledRun.stop(
            [BPFTestEnvironment.periscopeBinary, "runqlat", "600"], afterAttaching: 4,
            "runqlat did not attach its 4 programs", running: 0.3, with: number)
        if number == SIGKILL {
            #expect(run.status == 128 + SIGKILL)
        } else {
            // Stopped cleanly: exit 0 and the histogram aggregated so far.
            #expect(run.status == 0)
            #expect(run.output.contains("usecs               : count     distribution"))
        }
        #expect(try LoadedPrograms.attachments(of: run.pid).isEmpty)
        #expect(
            try !LoadedPrograms.anyLoaded(run.programs), "programs \(run.programs) still loaded after signal \(number)")

        // A new run after the old one attaches and reports.
        let again = try BPFTestEnvironment.run([BPFTestEnvironment.periscopeBinary, "runqlat", "1", "1"])
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput.contains("-> 1          :"))
    }
}
