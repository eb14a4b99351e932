import Testing
@testable import KernelTrace

@Suite("Decoded-event model")
struct EventRecordTests {
    private func switchClass() -> EventClassTable {
        var table = EventClassTable()
        table.add(
            name: "sched_switch", id: 1189,
            fields: [
                EventFieldDescription(name: "tid", kind: .signedInteger, scope: .streamEventContext, sizeInBits: 32),
                EventFieldDescription(name: "prev_comm", kind: .string),
                EventFieldDescription(name: "prev_tid", kind: .signedInteger, sizeInBits: 32),
                EventFieldDescription(name: "prev_state", kind: .signedInteger, sizeInBits: 64),
                EventFieldDescription(
                    name: "vtids", kind: .integerArray(elementBytes: 4, signed: true), sizeInBits: 32),
                EventFieldDescription(name: "tid", kind: .unsignedInteger, sizeInBits: 32)
            ])
        return table
    }

    @Test func fieldIndicesResolveOncePreferringPayload() {
        let eventClass = switchClass()[0]
        #expect(eventClass.index == 0)
        #expect(eventClass.fieldIndex(named: "prev_tid") == 2)
        #expect(eventClass.fieldIndex(named: "tid") == 5)
        #expect(eventClass.fieldIndex(named: "tid", scope: .streamEventContext) == 0)
        #expect(eventClass.fieldIndex(named: "missing") == nil)
    }

    @Test func recordReadsScalarsAndSpansWithoutCopying() {
        let table = switchClass()
        let comm: [UInt8] = Array("bash".utf8)
        let vtids: [Int32] = [4242, 7]
        comm.withUnsafeBytes { commBytes in
            vtids.withUnsafeBytes { vtidBytes in
                let slots: [EventFieldSlot] = [
                    .signed(-1), .span(commBytes.baseAddress, count: commBytes.count), .signed(4242),
                    .signed(-9), .span(vtidBytes.baseAddress, count: vtidBytes.count), .unsigned(3_000_000_000)
                ]
                slots.withUnsafeBufferPointer { buffer in
                    let record = EventRecord(timestamp: 12, cpu: 1, eventClass: table[0], slots: buffer.baseAddress!)
                    #expect(record.signed(0) == -1)
                    #expect(record.string(1) == "bash")
                    #expect(record.string(1, equals: "bash".utf8))
                    #expect(!record.string(1, equals: "bas".utf8))
                    #expect(record.integer(2) == 4242)
                    #expect(record.signed(3) == -9)
                    #expect(record.elementCount(4) == 2)
                    #expect(record.integerArrayElement(4, at: 1) == 7)
                    #expect(record.integerArrayElement(4, at: 2) == 0)
                    #expect(record.unsigned(5) == 3_000_000_000)
                    #expect(record.isPresent(5))
                }
            }
        }
    }

    @Test func statedumpThreadDefaultsItsNamespaceChainToTheHostTID() {
        let thread = StatedumpThread(tid: 10, pid: 10, ppid: 1, comm: "init")
        #expect(thread.namespacePIDs == [10])
        let inContainer = StatedumpThread(
            tid: 11, pid: 11, ppid: 10, comm: "sh", namespacePIDs: [11, 1], containerIndex: 0)
        #expect(inContainer.virtualTID == 1)
        let dump = Statedump(
            threads: [inContainer],
            containers: [
                StatedumpContainer(runtime: "docker", id: "abc", name: "web", pidNamespace: 4026532572)
            ])
        #expect(dump.container(of: inContainer)?.name == "web")
    }
}
