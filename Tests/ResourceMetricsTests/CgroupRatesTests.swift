import Testing
import LinuxHost
@testable import ResourceMetrics

@Suite("Cgroup rates")
struct CgroupRatesTests {
    static func sample(at seconds: Double, _ build: (inout CgroupCounters) -> Void) -> CounterSample<CgroupCounters> {
        var counters = CgroupCounters()
        build(&counters)
        return CounterSample(takenAt: MonotonicInstant(nanoseconds: UInt64(seconds * 1e9)), counters: counters)
    }

    static func capped(
        _ counters: inout CgroupCounters, usage: UInt64, periods: UInt64, throttled: UInt64, throttledTime: UInt64
    ) {
        counters.cpu = CgroupCPUUsage(
            usageNanoseconds: usage, userNanoseconds: usage / 2, systemNanoseconds: usage / 2,
            periods: periods, throttledPeriods: throttled, throttledNanoseconds: throttledTime)
        counters.cpuLimits = CgroupCPULimits(quotaMicroseconds: 50_000, periodMicroseconds: 100_000, shares: 1024)
    }

    @Test func halfACoreCappedAtHalfACoreIsAtItsCap() throws {
        let old = Self.sample(at: 10) {
            Self.capped(&$0, usage: 1_000_000_000, periods: 100, throttled: 10, throttledTime: 1_000_000_000)
        }
        let new = Self.sample(at: 12) {
            Self.capped(&$0, usage: 2_000_000_000, periods: 120, throttled: 30, throttledTime: 1_990_000_000)
        }
        let cpu = try #require(CgroupRates(old: old, new: new, hostCPUCount: 2)).cpu
        #expect(cpu.usageCores?.perSecond == 0.5)
        #expect(cpu.userCores?.perSecond == 0.25)
        #expect(cpu.capCores == 0.5)
        #expect(cpu.percentOfCap == 100)
        #expect(cpu.percentOfHost == 25)
        #expect(cpu.dockerStatsPercent == 50)
        #expect(cpu.periodsPerSecond?.perSecond == 10)
        #expect(cpu.throttledPercentOfPeriods == 100)
        #expect(abs((cpu.throttledSecondsPerSecond?.perSecond ?? 0) - 0.495) < 1e-9)
    }

    @Test func anUncappedCgroupHasNoPercentOfCap() throws {
        let old = Self.sample(at: 0) {
            $0.cpu = CgroupCPUUsage(usageNanoseconds: 0, periods: 0, throttledPeriods: 0);
            $0.cpuLimits = CgroupCPULimits(periodMicroseconds: 100_000, shares: 512)
        }
        let new = Self.sample(at: 1) {
            $0.cpu = CgroupCPUUsage(usageNanoseconds: 1_500_000_000, periods: 0, throttledPeriods: 0);
            $0.cpuLimits = CgroupCPULimits(periodMicroseconds: 100_000, shares: 512)
        }
        let cpu = try #require(CgroupRates(old: old, new: new, hostCPUCount: 2)).cpu
        #expect(cpu.usageCores?.perSecond == 1.5)
        #expect(cpu.capCores == nil)
        #expect(cpu.percentOfCap == nil)
        // No active period: nothing throttled, not a division by zero.
        #expect(cpu.throttledPercentOfPeriods == 0)
    }

    @Test func aRecreatedCgroupIsFlaggedNotNegative() throws {
        let old = Self.sample(at: 0) {
            Self.capped(&$0, usage: 9_000_000_000, periods: 500, throttled: 200, throttledTime: 5_000_000_000)
        }
        let new = Self.sample(at: 1) {
            Self.capped(&$0, usage: 200_000_000, periods: 10, throttled: 2, throttledTime: 10_000_000)
        }
        let cpu = try #require(CgroupRates(old: old, new: new, hostCPUCount: 2)).cpu
        #expect(cpu.usageCores == CounterRate(perSecond: 0.2, wasReset: true))
        #expect(cpu.throttledPercentOfPeriods == 20)
        #expect(cpu.throttledSecondsPerSecond?.wasReset == true)
    }

    static func memory(
        usage: UInt64, limit: UInt64?, inactiveFile: UInt64, oomKills: UInt64, majorFaults: UInt64
    ) -> CgroupMemoryCounters {
        var memory = CgroupMemoryCounters()
        memory.usageBytes = usage
        memory.limitBytes = limit
        var stat = CgroupMemoryStat()
        stat.inactiveFileBytes = inactiveFile
        stat.majorPageFaults = majorFaults
        memory.stat = stat
        memory.oomKillCount = oomKills
        return memory
    }

    @Test func memoryWorkingSetAgainstTheLimit() throws {
        let old = Self.sample(at: 0) {
            $0.memory = Self.memory(
                usage: 40 << 20, limit: 64 << 20, inactiveFile: 8 << 20, oomKills: 1, majorFaults: 10)
        }
        let new = Self.sample(at: 2) {
            $0.memory = Self.memory(
                usage: 48 << 20, limit: 64 << 20, inactiveFile: 16 << 20, oomKills: 3, majorFaults: 30)
        }
        let memory = try #require(CgroupRates(old: old, new: new, hostCPUCount: 2)).memory
        #expect(memory.workingSetBytes == 32 << 20)
        #expect(memory.workingSetPercentOfLimit == 50)
        #expect(memory.oomKillsSinceLastSample == 2)
        #expect(memory.majorPageFaultsPerSecond?.perSecond == 10)
    }

    @Test func noLimitMeansNoPercent() throws {
        let old = Self.sample(at: 0) {
            $0.memory = Self.memory(usage: 1 << 20, limit: nil, inactiveFile: 0, oomKills: 0, majorFaults: 0)
        }
        let new = Self.sample(at: 1) {
            $0.memory = Self.memory(usage: 1 << 20, limit: nil, inactiveFile: 0, oomKills: 0, majorFaults: 0)
        }
        let memory = try #require(CgroupRates(old: old, new: new, hostCPUCount: 2)).memory
        #expect(memory.limitBytes == nil)
        #expect(memory.workingSetPercentOfLimit == nil)
    }

    @Test func blockDevicesThatAppearHaveNoRateYet() throws {
        let sda = BlockDeviceNumber(major: 8, minor: 0), sdb = BlockDeviceNumber(major: 8, minor: 16)
        let old = Self.sample(at: 0) {
            $0.blockIO = [BlockIOCounters(device: sda, readBytes: 1000, writtenBytes: 0, readOperations: 1)]
        }
        let new = Self.sample(at: 0.5) {
            $0.blockIO = [
                BlockIOCounters(
                    device: sda, readBytes: 5000, writtenBytes: 2048, readOperations: 3, writeOperations: 1),
                BlockIOCounters(device: sdb, readBytes: 99)
            ]
        }
        let io = try #require(CgroupRates(old: old, new: new, hostCPUCount: 2)?.blockIO)
        #expect(io.count == 1)
        #expect(io[0].device == sda)
        #expect(io[0].readBytesPerSecond.perSecond == 8000)
        #expect(io[0].writtenBytesPerSecond.perSecond == 4096)
        #expect(io[0].readOperationsPerSecond.perSecond == 4)
    }

    @Test func pressureTotalsBecomeStallSecondsPerSecond() throws {
        func stall(_ total: UInt64) -> PressureStall {
            PressureStall(
                some: .init(
                    average10sPercent: 48.7, average60sPercent: 0, average300sPercent: 0, totalMicroseconds: total))
        }
        let old = Self.sample(at: 0) { $0.cpuPressure = stall(1_000_000) }
        let new = Self.sample(at: 2) { $0.cpuPressure = stall(1_974_000) }
        let pressure = try #require(CgroupRates(old: old, new: new, hostCPUCount: 2)?.cpuPressure)
        #expect(abs(pressure.someStalledSecondsPerSecond.perSecond - 0.487) < 1e-9)
        #expect(pressure.fullStalledSecondsPerSecond == nil)
        #expect(pressure.someAverage10sPercent == 48.7)
    }
}
