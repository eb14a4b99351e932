import Foundation
@testable import KernelTrace
import Testing

/// A consumer that says which fields it reads (`EventConsumer.fieldsRead(of:)`) gets those
/// fields decoded exactly as a consumer that reads everything, and the others not at all.
@Suite struct CTFFieldSelectionTests {
    /// Reads the fields `select` picks per class (every field when it returns nil) and dumps
    /// them; also records whether any field it did not ask for was ever written.
    struct SelectingConsumer: EventConsumer {
        var select: (EventClass) -> [String]?
        var lines: [String] = []
        /// Per class, the slots asked for (nil: all).
        var asked: [Int: Set<Int>] = [:]
        var unaskedWritten = 0

        mutating func begin(_ trace: TraceDescription) {}

        func fieldsRead(of eventClass: EventClass) -> [Int]? {
            select(eventClass).map { names in names.compactMap { eventClass.fieldIndex(named: $0) } }
        }

        mutating func consume(_ record: EventRecord) {
            let fields = record.eventClass.fields
            let wanted = select(record.eventClass).map { names in
                Set(names.compactMap { record.eventClass.fieldIndex(named: $0) })
            }
            var line = "\(record.timestamp) cpu\(record.cpu) \(record.eventClass.name)"
            for index in fields.indices {
                if let wanted, !wanted.contains(index) {
                    // Never written by any event: the slot array starts absent.
                    if record.isPresent(index) && fields[index].scope == .streamEventContext { unaskedWritten += 1 }
                    continue
                }
                guard record.isPresent(index) else {
                    line += " \(fields[index].name)=absent"
                    continue
                }
                line += " \(fields[index].name)="
                line +=
                    fields[index].isScalar
                    ? "\(record.unsigned(index))"
                    : record.bytes(index).map { String($0, radix: 16) }.joined(separator: ".")
            }
            lines.append(line)
        }
    }

    static func decode(_ path: String, select: @escaping (EventClass) -> [String]?) throws -> SelectingConsumer {
        var consumer = SelectingConsumer(select: select)
        try CTFTraceSource(path: path).run(into: &consumer)
        return consumer
    }

    /// The `tid` context and the payload's first and last fields, per class.
    static func someFields(_ eventClass: EventClass) -> [String] {
        let payload = eventClass.fields.filter { $0.scope == .payload }.map(\.name)
        return ["tid"] + [payload.first, payload.last].compactMap { $0 }
    }

    @Test("a Periscope conversion decodes the selected fields as a full decode, and no other context field")
    func conversionDecodesTheSelection() throws {
        let trace = try CTFFastPathTests.convertedTrace()
        defer { try? FileManager.default.removeItem(atPath: trace) }
        let all = try Self.decode(trace) { _ in nil }
        let selectedOnly = try Self.decode(trace) { Self.someFields($0) }
        let reference = try Self.fullDecode(trace) { Self.someFields($0) }
        #expect(selectedOnly.lines.count > 8_000)
        #expect(selectedOnly.lines == reference.lines)
        #expect(reference.unaskedWritten > 0)
        #expect(all.lines.count == selectedOnly.lines.count)
        // The context's other eleven fields (procname, pid, the namespace inodes) were skipped,
        // but for the few events at the end of a packet, which are decoded field by field.
        #expect(selectedOnly.unaskedWritten * 100 < reference.unaskedWritten)
        #expect(all.lines.contains { $0.contains("pid_ns=") })
    }

    @Test(
        "LTTng reference traces (variants, sequences) decode the selected fields as a full decode",
        .enabled(if: CTFReferenceTraces.available, CTFReferenceTraces.reason),
        arguments: ["basic-kernel-analysis", "16-cores-rt", "picotrace"])
    func referenceTracesDecodeTheSelection(trace: String) throws {
        let path = try CTFReferenceTraces.extracted(trace)
        for select in [{ (_: EventClass) in [String]() }, Self.someFields] {
            let selected = try Self.decode(path, select: select)
            let full = try Self.fullDecode(path, select: select)
            #expect(selected.lines.count > 10)
            #expect(selected.lines == full.lines)
        }
    }

    /// `select`'s fields read from a decode of every field.
    static func fullDecode(_ path: String, select: @escaping (EventClass) -> [String]?) throws -> SelectingConsumer {
        var consumer = FullDecode(inner: SelectingConsumer(select: select))
        try CTFTraceSource(path: path).run(into: &consumer)
        return consumer.inner
    }

    /// Reads what `inner` reads but asks the source for every field.
    struct FullDecode: EventConsumer {
        var inner: SelectingConsumer
        mutating func begin(_ trace: TraceDescription) { inner.begin(trace) }
        mutating func consume(_ record: EventRecord) { inner.consume(record) }
    }

    @Test("a selection of every field, or of none where a program has no fixed run, keeps the program")
    func nothingToDropKeepsTheProgram() throws {
        let trace = try CTFFastPathTests.convertedTrace()
        defer { try? FileManager.default.removeItem(atPath: trace) }
        var classes = EventClassTable()
        let kernel = try CTFTrace(directory: trace + "/kernel", classes: &classes)
        let plans = kernel.streams.values.flatMap { $0.events.compactMap { $0 } }
        #expect(!plans.isEmpty)
        for plan in plans {
            #expect(plan.program.decoding(only: Array(plan.program.fields.indices)) === plan.program)
            let none = plan.program.decoding(only: [])
            #expect(none.fixedLoads.count < plan.program.fixedLoads.count)
            #expect(none.ops.count == plan.program.ops.count)
        }
    }
}
