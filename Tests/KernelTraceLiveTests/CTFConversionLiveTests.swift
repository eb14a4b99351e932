import Foundation
import KernelTrace
import Testing
import TestSupport

/// A real recording converted to CTF and read back by babeltrace2.
@Suite(.serialized, .installed(if: TraceTestEnvironment.babeltraceAvailable, TraceTestEnvironment.babeltraceReason))
struct CTFConversionLiveTests {
    @Test(.live(if: TraceTestEnvironment.tracefsAvailable, TraceTestEnvironment.tracefsReason))
    func aRecordedTraceConvertsAndBabeltraceCountsEveryEvent() throws {
        let input = TraceTestEnvironment.scratchPath("live-ctf-in")
        let output = TraceTestEnvironment.scratchPath("live-ctf-out")
        defer {
            try? FileManager.default.removeItem(atPath: input)
            try? FileManager.default.removeItem(atPath: output)
        }
        let record = try TraceShell.periscope([
            "trace", "record", "-e", "sched", "syscalls", "irq", "-d", "1.5", "-o", input
        ])
        #expect(record.status == 0, "\(record.standardError)")
        let convert = try TraceShell.periscope(["trace", "convert", input, "--to", "ctf", output, "--json"])
        #expect(convert.status == 0, "\(convert.standardError)")
        struct Summary: Decodable { var traceEvents: Int; var totalEvents: Int }
        let summary = try JSONDecoder().decode(Summary.self, from: Data(convert.standardOutput.utf8))
        let (_, collected) = try CollectedEvents.read(input)
        #expect(summary.traceEvents == collected.events.count)
        let babeltrace = try TraceShell.run(["babeltrace2", output])
        #expect(babeltrace.status == 0)
        #expect(babeltrace.standardError.isEmpty, "\(babeltrace.standardError.prefix(500))")
        let lines = babeltrace.standardOutput.split(separator: "\n")
        #expect(lines.count == summary.totalEvents)
        #expect(
            lines.contains { $0.contains(" syscall_entry_") }
                && lines.contains { $0.contains(" syscall_exit_") && $0.contains("ret = ") })
    }
}
