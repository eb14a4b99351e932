import Testing
@testable import KernelTrace

@Suite struct EventFormatTests {
    static let sched = """
        name: sched_switch
        ID: 372
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
        \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

        \tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
        \tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;
        \tfield:__data_loc char[] filename;\toffset:12;\tsize:4;\tsigned:0;
        \tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;

        print fmt: "prev_comm=%s", REC->prev_comm
        """

    @Test func parsesFieldsKindsAndSignedness() throws {
        let format = try EventFormat.parse(Self.sched, subsystem: "sched")
        #expect(format.name == "sched_switch")
        #expect(format.id == 372)
        #expect(format.fields.count == 8)
        let comm = try #require(format.field(named: "prev_comm"))
        #expect(comm.kind == .array(count: 16, elementSize: 1))
        #expect(comm.isString)
        let pid = try #require(format.field(named: "prev_pid"))
        #expect(pid.kind == .integer && pid.isSigned && pid.offset == 24 && pid.type == "pid_t")
        let filename = try #require(format.field(named: "filename"))
        #expect(filename.kind == .dataLocation && filename.isString)
        let args = try #require(format.field(named: "args"))
        #expect(args.kind == .array(count: 6, elementSize: 8) && !args.isString)
        #expect(format.payloadFields.map(\.name) == ["prev_comm", "prev_pid", "filename", "args"])
    }

    @Test(arguments: ["name: x\nformat:\n", "ID: 3\n", "name: x\nID: 1\n\tfield:int a;\toffset:0;\n"])
    func rejectsIncompleteDescriptions(_ text: String) {
        #expect(throws: FormatParseError.self) { try EventFormat.parse(text, subsystem: "s") }
    }
}
