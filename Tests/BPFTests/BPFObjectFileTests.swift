import Foundation
import Testing

@testable import BPF

/// The ELF reader on the committed runqlat object and on corrupt inputs.
@Suite struct BPFObjectFileTests {
    static var runqlat: [UInt8] {
        [UInt8](Data(base64Encoded: RunqlatObject.base64, options: .ignoreUnknownCharacters)!)
    }

    @Test func readsProgramsMapsAndRelocationsOfRunqlat() throws {
        let object = try BPFObjectFile(contents: Self.runqlat)
        #expect(object.license == "GPL")
        #expect(
            Set(object.programs.map(\.sectionName)) == [
                "tracepoint/sched/sched_wakeup", "tracepoint/sched/sched_wakeup_new", "tracepoint/sched/sched_switch",
                "tracepoint/sched/sched_process_exit"
            ])
        let switchProgram = try #require(object.program(inSection: "tracepoint/sched/sched_switch"))
        #expect(switchProgram.name == "sched_switch")
        #expect(switchProgram.tracepoint?.subsystem == "sched" && switchProgram.tracepoint?.event == "sched_switch")
        #expect(switchProgram.instructions.count % 8 == 0)
        // Every relocated instruction is an ld_imm64 (opcode 0x18) of a map of the object.
        #expect(Set(switchProgram.mapReferences.map(\.mapName)) == ["tasks", "settings", "latency"])
        for reference in switchProgram.mapReferences {
            #expect(switchProgram.instructions[reference.instructionIndex * 8] == 0x18)
        }
        // 32 log2 slots and the sum of the latencies (the _sum of serve's Prometheus histogram).
        let histogram = try #require(object.maps.first { $0.name == "latency" })
        #expect(
            histogram.type == 1 && histogram.keyByteCount == 16 && histogram.valueByteCount == 264
                && histogram.maximumEntries == 10240)
        let tasks = try #require(object.maps.first { $0.name == "tasks" })
        #expect(tasks.type == 1 && tasks.keyByteCount == 4 && tasks.valueByteCount == 24)
        let settings = try #require(object.maps.first { $0.name == "settings" })
        #expect(settings.type == 2 && settings.valueByteCount == 8 && settings.maximumEntries == 1)
    }

    @Test func readsBiolatency() throws {
        let object = try BPFObjectFile(
            contents: [UInt8](Data(base64Encoded: BiolatencyObject.base64, options: .ignoreUnknownCharacters)!))
        #expect(
            Set(object.programs.compactMap(\.tracepoint?.event)) == [
                "block_rq_insert", "block_rq_issue", "block_rq_complete"
            ])
        #expect(Set(object.maps.map(\.name)) == ["requests", "latency", "settings"])
        #expect(object.programs.allSatisfy { !$0.mapReferences.isEmpty })
    }

    @Test func readsSyscount() throws {
        let object = try BPFObjectFile(
            contents: [UInt8](Data(base64Encoded: SyscountObject.base64, options: .ignoreUnknownCharacters)!))
        #expect(Set(object.programs.compactMap(\.tracepoint?.event)) == ["sys_enter", "sys_exit"])
        #expect(Set(object.maps.map(\.name)) == ["entered", "stats"])
    }

    @Test func refusesWhatIsNotABPFObject() {
        #expect(throws: BPFObjectError.notELF) {
            try BPFObjectFile(contents: Array("#!/bin/sh\n".utf8) + Array(repeating: 0, count: 64))
        }
        var x86 = Self.runqlat
        x86[0x12] = 62
        #expect(throws: BPFObjectError.notBPF(machine: 62)) { try BPFObjectFile(contents: x86) }
    }

    @Test func refusesTruncatedObjectsAtEveryLength() {
        let object = Self.runqlat
        for length in stride(from: 0, to: object.count, by: 97) {
            #expect(throws: BPFObjectError.self) { try BPFObjectFile(contents: Array(object.prefix(length))) }
        }
    }

    /// Hostile input: random byte changes never crash the reader (it parses or throws).
    @Test func survivesCorruptedBytes() {
        var generator = SystemRandomNumberGenerator()
        let original = Self.runqlat
        for _ in 0..<2000 {
            var corrupted = original
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                corrupted[Int.random(in: 0..<corrupted.count, using: &generator)] = UInt8.random(
                    in: 0...255, using: &generator)
            }
            _ = try? BPFObjectFile(contents: corrupted)
        }
        // Section and symbol table offsets pointing at the end of the address space.
        for offset in [0x28, 0x3c] {
            var corrupted = original
            for index in offset..<(offset + (offset == 0x28 ? 8 : 2)) { corrupted[index] = 0xff }
            #expect(throws: BPFObjectError.self) { try BPFObjectFile(contents: corrupted) }
        }
    }

    @Test func parsesTracepointFormatFields() throws {
        let text = """
            name: sched_switch
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
            \tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;
            """
        let format = TracepointFormat(parsing: text)
        #expect(format.fields.map(\.name) == ["common_type", "prev_comm", "next_pid"])
        try format.require([.init(name: "next_pid", offset: 56, byteCount: 4)], event: "sched:sched_switch")
        #expect(throws: BPFError.self) {
            try format.require([.init(name: "next_pid", offset: 60, byteCount: 4)], event: "sched:sched_switch")
        }
        #expect(throws: BPFError.self) {
            try format.require([.init(name: "prev_state", offset: 32, byteCount: 8)], event: "sched:sched_switch")
        }
    }
}
