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
        let output = BPFTestEnvironment.scratchPath("runqlat-\(number).out")
        defer { unlink(output) }
        let pid = try ChildProcess.spawn(
            [BPFTestEnvironment.periscopeBinary, "runqlat", "600"], standardOutput: output, standardError: nil)
        var reaped = false
        defer { if !reaped { kill(pid, SIGKILL); ChildProcess.wait(pid) } }
        let programs = try #require(
            try LoadedPrograms.waitForAttachments(of: pid, count: 4), "runqlat did not attach its 4 programs")
        usleep(300_000)
        kill(pid, number)
        let status = ChildProcess.wait(pid)
        reaped = true
        if number == SIGKILL {
            #expect(status == 128 + SIGKILL)
        } else {
            // Stopped cleanly: exit 0 and the histogram aggregated so far.
            #expect(status == 0)
            let text = try String(contentsOfFile: output, encoding: .utf8)
            #expect(text.contains("usecs               : count     distribution"))
        }
        #expect(try LoadedPrograms.attachments(of: pid).isEmpty)
        #expect(try !LoadedPrograms.anyLoaded(programs), "programs \(programs) still loaded after signal \(number)")

        // A new run after the old one attaches and reports.
        let again = try BPFTestEnvironment.run([BPFTestEnvironment.periscopeBinary, "runqlat", "1", "1"])
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput.contains("-> 1          :"))
    }
}
