import Testing
@testable import LinuxHost

@Suite("ProcessStat parsing")
struct ProcessStatTests {
    /// A real 6.x line (PID 1 of the machine the fixtures were made on): 52 fields, with
    /// rsslim (field 25) = RLIM_INFINITY, which does not fit in an Int64.
    static let realLine =
        "1 (process_api) S 0 0 0 0 -1 4194560 30863 1246614 0 575 122 335 3979 2157 20 0 14 0 32 43790336 2889 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 0 0 7 0 0 0 0 0 0 0 0 0 0\n"

    @Test func fieldsOfARealLine() throws {
        let stat = try parsing(Self.realLine) { bytes throws(HostReadError) in
            try ProcessStat.parse(bytes, path: "/proc/1/stat")
        }
        #expect(stat.pid == 1)
        #expect(stat.comm == "process_api")
        #expect(stat.state == .sleeping)
        #expect(stat.parentPID == 0)
        #expect(stat.processGroupID == 0)
        #expect(stat.sessionID == 0)
        #expect(stat.minorFaults == 30863)
        #expect(stat.majorFaults == 0)
        #expect(stat.userTimeTicks == 122)
        #expect(stat.systemTimeTicks == 335)
        #expect(stat.priority == 20)
        #expect(stat.nice == 0)
        #expect(stat.threadCount == 14)
        #expect(stat.startTimeTicks == 32)
        #expect(stat.virtualMemoryBytes == 43_790_336)
        #expect(stat.residentPages == 2889)
        #expect(stat.identity == ProcessIdentity(pid: 1, startTimeTicks: 32))
    }

    /// Fields after rsslim (RLIM_INFINITY) must still be read.
    @Test func fieldsAfterAnUnlimitedRSSLimit() throws {
        let stat = try parsing(Self.realLine) { bytes throws(HostReadError) in
            try ProcessStat.parse(bytes, path: "/proc/1/stat")
        }
        #expect(stat.lastCPU == 1)
        #expect(stat.blockIODelayTicks == 7)
    }

    @Test func fixtureLineWithAllFields() throws {
        let text = try Fixtures.text("docker-cgroup-v2", "proc/1312/stat")
        let stat = try parsing(text) { bytes throws(HostReadError) in try ProcessStat.parse(bytes, path: "stat") }
        #expect(stat.pid == 1312)
        #expect(stat.comm == "nginx")
        #expect(stat.parentPID == 1290)
        #expect(stat.startTimeTicks == 4305)
        #expect(stat.lastCPU == 1)
        #expect(stat.blockIODelayTicks == 0)
    }

    @Test(arguments: [
        (
            "(a) b (c)",
            "42 ((a) b (c)) R 1 42 42 0 -1 4194304 99 0 0 0 3 4 0 0 20 0 1 0 73880 3133440 363 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
        ),
        (
            "evil) S 1 2 (x",
            "42 (evil) S 1 2 (x) R 1 42 42 0 -1 4194304 99 0 0 0 3 4 0 0 20 0 1 0 73880 3133440 363 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
        ),
        (
            "a b",
            "42 (a b) R 1 42 42 0 -1 4194304 99 0 0 0 3 4 0 0 20 0 1 0 73880 3133440 363 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
        ),
        (
            "",
            "42 () R 1 42 42 0 -1 4194304 99 0 0 0 3 4 0 0 20 0 1 0 73880 3133440 363 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
        )
    ])
    func commWithSpacesAndParentheses(comm: String, line: String) throws {
        let stat = try parsing(line) { bytes throws(HostReadError) in try ProcessStat.parse(bytes, path: "stat") }
        #expect(stat.comm == comm)
        #expect(stat.state == .running)
        #expect(stat.parentPID == 1)
        #expect(stat.userTimeTicks == 3)
        #expect(stat.systemTimeTicks == 4)
        #expect(stat.startTimeTicks == 73880)
        #expect(stat.lastCPU == 0)
    }

    /// A real-time task (SCHED_FIFO, rt_priority 99) has priority -100.
    @Test func negativePriority() throws {
        let line =
            "17 (migration/1) S 2 0 0 0 -1 69238848 0 0 0 0 0 9 0 0 -100 0 1 0 4 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 1 99 1 0 0 0 0 0 0 0 0 0 0 0\n"
        let stat = try parsing(line) { bytes throws(HostReadError) in try ProcessStat.parse(bytes, path: "stat") }
        #expect(stat.priority == -100)
        #expect(stat.comm == "migration/1")
        #expect(stat.lastCPU == 1)
    }

    /// Kernels before 2.6.x end at fewer fields; 24 is the minimum Periscope needs.
    @Test func shortButSufficientLine() throws {
        let line = "42 (old) S 1 42 42 0 -1 0 5 0 0 0 7 8 0 0 20 0 1 0 900 4096 12"
        let stat = try parsing(line) { bytes throws(HostReadError) in try ProcessStat.parse(bytes, path: "stat") }
        #expect(stat.residentPages == 12)
        #expect(stat.lastCPU == nil)
        #expect(stat.blockIODelayTicks == nil)
    }

    @Test(arguments: [
        ("41 (trunc) S 1 41 41 0 -1 4194560 12 0", "truncated"),
        ("41 (trunc)", "truncated after comm"),
        ("41 (trunc) ", "truncated after comm"),
        ("41 trunc S 1 41", "no '(comm)' field"),
        ("41 )trunc( S 1 41", "no '(comm)' field"),
        ("", "no '(comm)' field"),
        ("(x) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6 7", "no pid field")
    ])
    func malformedLines(line: String, reason: String) {
        do {
            _ = try parsing(line) { bytes throws(HostReadError) in try ProcessStat.parse(bytes, path: "/proc/41/stat") }
            Issue.record("parsed a malformed line: \(line)")
        } catch {
            #expect(error.path == "/proc/41/stat")
            #expect(error.malformedReason?.hasPrefix(reason) == true, "\(error)")
            #expect(!error.isVanished)
        }
    }
}
