import Testing
@testable import KernelTrace

@Suite struct EventFormatTests {
    /// raw_syscalls:sys_enter as tracefs describes it: a wide integer array.
    static let sysEnter = """
        name: sys_enter
        ID: 443
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

        \tfield:long id;\toffset:8;\tsize:8;\tsigned:1;
        \tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;

        print fmt: "NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)", REC->id, REC->args[0]
        """

    @Test func parsesFieldsKindsAndSignedness() throws {
        let format = try EventFormat.parse(SyntheticTrace.switchFormat, subsystem: "sched")
        #expect(format.name == "sched_switch" && format.id == 372)
        #expect(format.fields.count == 11)
        let comm = try #require(format.field(named: "prev_comm"))
        #expect(comm.kind == .array(count: 16, elementSize: 1) && comm.isString)
        let pid = try #require(format.field(named: "prev_pid"))
        #expect(pid.kind == .integer && pid.isSigned && pid.offset == 24 && pid.type == "pid_t")
        #expect(format.payloadFields.first?.name == "prev_comm")
        let exec = try EventFormat.parse(SyntheticTrace.execFormat, subsystem: "sched")
        let filename = try #require(exec.field(named: "filename"))
        #expect(filename.kind == .dataLocation && filename.isString && filename.type == "__data_loc char[]")
        let enter = try EventFormat.parse(Self.sysEnter, subsystem: "raw_syscalls")
        let args = try #require(enter.field(named: "args"))
        #expect(args.kind == .array(count: 6, elementSize: 8) && !args.isString && !args.isSigned)
        let described = FtraceClassDecoder.fieldDescriptions(for: enter)
        #expect(described.last?.kind == .integerArray(elementBytes: 8, signed: false))
        #expect(described.first?.scope == .common && described[2].kind == .signedInteger)
    }

    @Test(arguments: ["name: x\nformat:\n", "ID: 3\n", "name: x\nID: 1\n\tfield:int a;\toffset:0;\n"])
    func rejectsIncompleteDescriptions(_ text: String) {
        #expect(throws: FormatParseError.self) { try EventFormat.parse(text, subsystem: "s") }
    }

    @Test func headerPageGivesTheCommitAndDataOffsets() throws {
        let parsed = try RingBufferPageLayout.parse(headerPage: SyntheticTrace.headerPage, pageSize: 4096)
        #expect(parsed.layout == RingBufferPageLayout(pageSize: 4096, commitOffset: 8, commitSize: 8, dataOffset: 16))
        #expect(parsed.missing.isEmpty)
        let thirtyTwoBit = try RingBufferPageLayout.parse(
            headerPage: """
                \tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;
                \tfield: local_t commit;\toffset:8;\tsize:4;\tsigned:1;
                \tfield: char data;\toffset:12;\tsize:4084;\tsigned:0;
                """, pageSize: 4096
        ).layout
        #expect(thirtyTwoBit.commitSize == 4 && thirtyTwoBit.dataOffset == 12)
    }

    @Test(
        "a header page or format whose offsets and sizes overflow is refused, not trapped on",
        arguments: [
            "\tfield: local_t commit;\toffset:9223372036854775807;\tsize:8;\tsigned:1;\n",
            "\tfield: local_t commit;\toffset:8;\tsize:9223372036854775807;\tsigned:1;\n",
            "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n\tfield: char data;\toffset:4096;\tsize:0;\tsigned:1;\n",
            "\tfield: local_t commit;\toffset:16;\tsize:8;\tsigned:1;\n\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n",
            "\tfield: local_t commit;\toffset:x;\tsize:8;\tsigned:1;\n"
        ])
    func hugeHeaderPageOffsetsAreRefused(_ headerPage: String) {
        #expect(throws: FormatParseError.self) {
            try RingBufferPageLayout.parse(headerPage: headerPage, pageSize: 4096)
        }
    }

    @Test("a header page without commit or data fields falls back to the 64-bit layout and says which are missing")
    func headerPageWithoutFieldsNamesThem() throws {
        let parsed = try RingBufferPageLayout.parse(headerPage: "garbage\n", pageSize: 4096)
        #expect(parsed.layout == RingBufferPageLayout(pageSize: 4096))
        #expect(parsed.missing == ["commit", "data"])
    }

    @Test(
        "a format field whose offset or size is near Int.max is refused with its name",
        arguments: [
            "offset:9223372036854775807;\tsize:8;", "offset:8;\tsize:9223372036854775807;", "offset:16777210;\tsize:16;"
        ])
    func hugeFieldOffsetsAreRefused(_ placement: String) {
        let text = "name: sched_switch\nID: 316\nformat:\n\tfield:pid_t prev_pid;\t\(placement)\tsigned:1;\n"
        #expect {
            try EventFormat.parse(text, subsystem: "sched")
        } throws: { error in
            guard case .fieldOutOfRange(let name, _, _) = error as? FormatParseError else { return false }
            return name == "prev_pid"
        }
    }

    @Test(
        arguments: [
            ("container:web:throttled>50", "web", SnapshotCondition.Metric.throttled, 50.0, false),
            ("cpu-pressure>=12.5", nil, .cpuPressure, 12.5, true),
            ("container:k8s/pod:io-pressure>3", "k8s/pod", .ioPressure, 3, false)
        ] as [(String, String?, SnapshotCondition.Metric, Double, Bool)])
    func parsesSnapshotConditions(
        _ text: String, _ container: String?, _ metric: SnapshotCondition.Metric, _ threshold: Double, _ inclusive: Bool
    ) throws {
        let condition = try SnapshotCondition.parse(text)
        #expect(
            condition
                == SnapshotCondition(container: container, metric: metric, threshold: threshold, inclusive: inclusive))
        #expect(condition.isMet(by: threshold) == inclusive)
    }

    @Test(arguments: ["throttled>50", "cpu-pressure", "container:web:load>3", "cpu-pressure>x"])
    func rejectsBadSnapshotConditions(_ text: String) {
        #expect(throws: SnapshotConditionError.self) { try SnapshotCondition.parse(text) }
    }
}
