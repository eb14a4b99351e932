import Testing
@testable import LinuxHost

@Suite("Counter file parsers")
struct CountersParserTests {
    @Test(
        arguments: [
            ("0-3,8\n", [0, 1, 2, 3, 8], "0-3,8"),
            ("0\n", [0], "0"),
            ("\n", [], ""),
            ("", [], ""),
            ("2,0-1,10-11\n", [0, 1, 2, 10, 11], "0-2,10-11")
        ] as [(String, [Int], String)])
    func cpuList(text: String, cpus: [Int], description: String) throws {
        let list = try parsing(text) { bytes throws(HostReadError) in try CPUList.parse(bytes, path: "cpuset.cpus") }
        #expect(list.cpus == cpus)
        #expect(list.description == description)
    }

    @Test(arguments: ["3-1\n", "a\n", "0-\n", "0-100000\n"])
    func cpuListRejectsNonsense(text: String) {
        #expect(throws: HostReadError.self) {
            try parsing(text) { bytes throws(HostReadError) in try CPUList.parse(bytes, path: "cpus") }
        }
    }

    @Test(
        arguments: [
            ("max\n", nil), ("-1\n", nil), ("100\n", UInt64(100)), ("0\n", UInt64(0))
        ] as [(String, UInt64?)])
    func limits(text: String, expected: UInt64?) throws {
        #expect(
            try parsing(text) { bytes throws(HostReadError) in try SingleValueFile.parseLimit(bytes, path: "pids.max") }
                == expected)
    }

    @Test(arguments: ["maxi\n", "-2\n", "12x\n", "\n"])
    func limitsRejectNonsense(text: String) {
        #expect(throws: HostReadError.self) {
            try parsing(text) { bytes throws(HostReadError) in try SingleValueFile.parseLimit(bytes, path: "pids.max") }
        }
    }

    @Test func hostCPUPressureBefore513HasNoFullLine() throws {
        let stall = try parsing("some avg10=1.31 avg60=10.49 avg300=7.43 total=338410005\n") {
            bytes throws(HostReadError) in
            try PressureStall.parse(bytes, path: "/proc/pressure/cpu")
        }
        #expect(
            stall.some
                == .init(
                    average10sPercent: 1.31, average60sPercent: 10.49, average300sPercent: 7.43,
                    totalMicroseconds: 338_410_005))
        #expect(stall.full == nil)
    }

    @Test(arguments: ["", "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", "some avg10=1.00 total=5\n"])
    func pressureRejectsIncompleteFiles(text: String) {
        #expect(throws: HostReadError.self) {
            try parsing(text) { bytes throws(HostReadError) in try PressureStall.parse(bytes, path: "cpu.pressure") }
        }
    }

    @Test func ioMaxKeepsOnlySetLimits() throws {
        let limits = try parsing(
            "8:16 rbps=2097152 wbps=max riops=max wiops=120\n8:0 rbps=max wbps=max riops=1000 wiops=max\n"
        ) { BlockIOLimits.parseV2($0) }
        #expect(
            limits == [
                BlockIOLimits(
                    device: .init(major: 8, minor: 16), readBytesPerSecond: 2_097_152, writeOperationsPerSecond: 120),
                BlockIOLimits(device: .init(major: 8, minor: 0), readOperationsPerSecond: 1000)
            ])
    }

    @Test func v1CPUStatAndCPUAcctStat() throws {
        var usage = CgroupCPUUsage()
        try parsing("nr_periods 25\nnr_throttled 12\nthrottled_time 574665298\nnr_bursts 0\nburst_time 0\n") {
            usage.parseV1CPUStat($0)
        }
        try parsing("user 64\nsystem 1\n") { usage.parseV1CPUAcctStat($0, ticksPerSecond: 100) }
        #expect(
            usage
                == CgroupCPUUsage(
                    userNanoseconds: 640_000_000, systemNanoseconds: 10_000_000, periods: 25, throttledPeriods: 12,
                    throttledNanoseconds: 574_665_298))
    }

    @Test func v1OOMControlAndV2Events() throws {
        var memory = CgroupMemoryCounters()
        try parsing("oom_kill_disable 0\nunder_oom 1\noom_kill 3\n") { memory.parseV1OOMControl($0) }
        #expect(memory.oomKillCount == 3)
        #expect(memory.isUnderOOM == true)
        var v2 = CgroupMemoryCounters()
        try parsing("low 0\nhigh 4\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n") { v2.parseV2Events($0) }
        #expect(v2.limitHitCount == 12)
        #expect(v2.oomCount == 2)
        #expect(v2.oomKillCount == 1)
    }
}
