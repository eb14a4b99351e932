import Testing
@testable import LinuxHost

/// The hand-written v2 fixture in the kernel documentation's formats.
@Suite("Cgroup counters, v2")
struct CountersCgroupV2Tests {
    static let root = "\(Fixtures.root)/counters/cgroup-v2"

    static func files(_ cgroupPath: String) throws -> CgroupCounterFiles {
        let layout = try CgroupLayout.read(mountInfoPath: root + "/proc/self/mountinfo", rootPrefix: root)
        return CgroupCounterFiles(CgroupDirectories(layout: layout, cgroupPath: cgroupPath))
    }

    @Test func everyControllerIsTheSameUnifiedDirectory() throws {
        let directories = try Self.files("/system.slice/docker-3f1c2a.scope").directories
        let path = Self.root + "/sys/fs/cgroup/system.slice/docker-3f1c2a.scope"
        #expect(directories.cpu == .init(path: path, isUnified: true))
        #expect(directories.memory == .init(path: path, isUnified: true))
        #expect(directories.io == .init(path: path, isUnified: true))
        #expect(directories.cpuacct == nil)
        #expect(directories.unified == path)
    }

    @Test func readsEveryCounter() throws {
        let counters = try CgroupCounterReader().read(try Self.files("/system.slice/docker-3f1c2a.scope"))
        #expect(
            counters.cpu
                == CgroupCPUUsage(
                    usageNanoseconds: 8_250_000_000, userNanoseconds: 6_000_000_000, systemNanoseconds: 2_250_000_000,
                    periods: 120, throttledPeriods: 45, throttledNanoseconds: 3_400_000_000))
        #expect(
            counters.cpuLimits == CgroupCPULimits(quotaMicroseconds: 50_000, periodMicroseconds: 100_000, weight: 100))
        #expect(counters.cpuset == CPUList(cpus: [0, 1, 2, 3]))
        let memory = try #require(counters.memory)
        #expect(memory.usageBytes == 52_428_800)
        #expect(memory.limitBytes == 67_108_864)
        #expect(memory.swapUsageBytes == 1_048_576)
        #expect(memory.limitHitCount == 12)
        #expect(memory.oomCount == 2)
        #expect(memory.oomKillCount == 1)
        #expect(memory.stat?.anonymousBytes == 31_457_280)
        #expect(memory.stat?.fileBytes == 18_874_368)
        #expect(memory.stat?.shmemBytes == 4_194_304)
        #expect(memory.stat?.mappedFileBytes == 2_097_152)
        #expect(memory.stat?.majorPageFaults == 17)
        #expect(memory.workingSetBytes == 52_428_800 - 12_582_912)
        #expect(
            counters.blockIO == [
                BlockIOCounters(
                    device: .init(major: 8, minor: 0), readBytes: 90_430_464, writtenBytes: 299_008_000,
                    readOperations: 8950, writeOperations: 1252),
                BlockIOCounters(
                    device: .init(major: 8, minor: 16), readBytes: 1_459_200, writtenBytes: 314_773_504,
                    readOperations: 192, writeOperations: 353)
            ])
        #expect(
            counters.blockIOLimits == [
                BlockIOLimits(
                    device: .init(major: 8, minor: 16), readBytesPerSecond: 2_097_152, writeOperationsPerSecond: 120)
            ])
        #expect(counters.pids == CgroupPIDCounters(current: 3, limit: 100))
        #expect(
            counters.cpuPressure
                == PressureStall(
                    some: .init(
                        average10sPercent: 48.7, average60sPercent: 30.12, average300sPercent: 9.5,
                        totalMicroseconds: 5_123_456),
                    full: .init(
                        average10sPercent: 20, average60sPercent: 10, average300sPercent: 2,
                        totalMicroseconds: 2_000_000)))
    }

    @Test func maxMeansNoLimit() throws {
        let counters = try CgroupCounterReader().read(try Self.files("/system.slice/unlimited.scope"))
        #expect(counters.cpuLimits?.quotaMicroseconds == nil)
        #expect(counters.cpuLimits?.periodMicroseconds == 100_000)
        #expect(counters.cpuLimits?.capCores == nil)
        #expect(counters.memory?.limitBytes == nil)
        #expect(counters.memory?.usageBytes == 4096)
        #expect(counters.pids == CgroupPIDCounters(current: 1, limit: nil))
        // Files this cgroup lacks are nil, never zero.
        #expect(counters.blockIO == nil)
        #expect(counters.cpuPressure == nil)
        #expect(counters.memory?.swapUsageBytes == nil)
    }

    @Test(
        arguments: [
            ("max 100000\n", nil, 100_000),
            ("50000 100000\n", 50_000, 100_000),
            ("150000 50000\n", 150_000, 50_000)
        ] as [(String, UInt64?, UInt64)])
    func cpuMax(text: String, quota: UInt64?, period: UInt64) throws {
        let parsed = try parsing(text) { bytes throws(HostReadError) in
            try CgroupCPULimits.parseV2CPUMax(bytes, path: "cpu.max")
        }
        #expect(parsed.quotaMicroseconds == quota)
        #expect(parsed.periodMicroseconds == period)
    }

    @Test func v1HostUnifiedCPUStatHasUsageButNoThrottling() throws {
        var usage = CgroupCPUUsage()
        try parsing("usage_usec 661703\nuser_usec 645942\nsystem_usec 15760\nnice_usec 0\n") {
            usage.parseV2CPUStat($0)
        }
        #expect(usage.usageNanoseconds == 661_703_000)
        #expect(usage.periods == nil)
        #expect(usage.throttledNanoseconds == nil)
    }
}
