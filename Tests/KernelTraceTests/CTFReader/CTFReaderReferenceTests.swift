import Foundation
import Testing
@testable import KernelTrace

@Suite("CTF reader against babeltrace2 on real LTTng traces", .serialized)
struct CTFReaderReferenceTests {
    @Test(
        "every event decodes with babeltrace2's values",
        .enabled(
            if: CTFReferenceTraces.available && CTFReferenceTraces.babeltraceAvailable,
            CTFReferenceTraces.babeltraceReason),
        arguments: ["basic-kernel-analysis", "16-cores-rt", "picotrace"])
    func matchesBabeltrace(trace: String) throws {
        let path = try CTFReferenceTraces.extracted(trace)
        let source = try CTFTraceSource(path: path)
        var consumer = RenderingConsumer()
        try source.run(into: &consumer)
        #expect(consumer.began && consumer.ended)

        let reference = try CTFReferenceTraces.run(["/usr/bin/babeltrace2", "--clock-seconds", "--no-delta", path])
        #expect(reference.status == 0)
        let expected = reference.output.split(separator: "\n").compactMap(RenderingConsumer.renderBabeltraceLine)
        #expect(consumer.lines.count == expected.count)
        // Events with equal timestamps may come out in another order: compare sorted.
        let mine = consumer.lines.sorted(), theirs = expected.sorted()
        var mismatches = 0
        for (left, right) in zip(mine, theirs)
        where left != right && !RenderingConsumer.differOnlyByBabeltraceEmptyStringQuirk(left, right) {
            mismatches += 1
            if mismatches <= 5 { Issue.record("periscope: \(left)\nbabeltrace2: \(right)") }
        }
        #expect(mismatches == 0)
    }

    @Test(
        "event classes carry LTTng names without the leading underscore",
        .enabled(if: CTFReferenceTraces.available, CTFReferenceTraces.reason))
    func classesAndFieldNames() throws {
        let source = try CTFTraceSource(path: try CTFReferenceTraces.extracted("basic-kernel-analysis"))
        let classes = source.traceDescription.classes
        let switchClass = try #require(classes.classes(named: "sched_switch").first)
        #expect(
            switchClass.fields.map(\.name) == [
                "prev_comm", "prev_tid", "prev_prio", "prev_state", "next_comm", "next_tid", "next_prio"
            ])
        #expect(switchClass.fields[0].kind == .string)
        #expect(switchClass.fields[3].kind == .signedInteger && switchClass.fields[3].sizeInBits == 64)
        let fork = try #require(classes.classes(named: "sched_process_fork").first)
        #expect(
            fork.fieldIndex(named: "vtids").map { fork.fields[$0].kind } == .integerArray(elementBytes: 4, signed: true)
        )
        #expect(source.traceDescription.environment["tracer_name"] == "lttng-modules")
        #expect(source.traceDescription.environment["domain"] == "kernel")
    }
}
