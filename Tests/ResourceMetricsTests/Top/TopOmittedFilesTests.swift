import ContainerInventory
import LinuxHost
import Testing
@testable import ResourceMetrics

/// `top` reads no file whose figures it would not show: v1's cpu.stat (throttling only) of a
/// container without a CPU cap, and the cgroup's blkio file while the block I/O fallback
/// replaces it. Capped, or without the fallback, both are read as before.
@Suite("top's files left unread")
struct TopOmittedFilesTests {
    /// The fields of one sample of the v1 fixture container after `prepare` on its copy.
    static func presentFields(
        omittingBlockIO: Bool = false, prepare: (TopCompactCountersTests.FixtureCopy) throws -> Void = { _ in }
    ) throws -> CompactCgroupCounters.Fields {
        let copy = try TopCompactCountersTests.FixtureCopy("cgroup-v1-docker")
        try prepare(copy)
        let (sampler, container) = try TopMemoryStatCadenceTests.sampler(copy)
        sampler.omitsCgroupBlockIO = omittingBlockIO
        return try #require(try sampler.sample(container)).counters.present
    }

    @Test func aCappedContainerReadsEveryFile() throws {
        let present = try Self.presentFields()
        #expect(present.isSuperset(of: [.cpuUsage, .cpuThrottling, .memoryUsage, .memoryStat, .blockIO, .pids]))
    }

    @Test func anUncappedContainerLeavesV1CPUStatUnread() throws {
        let present = try Self.presentFields { copy in
            try copy.write("sys/fs/cgroup/cpu/docker/\(TopCompactCountersTests.v1ContainerID)/cpu.cfs_quota_us", "-1\n")
        }
        #expect(!present.contains(.cpuThrottling))
        // Usage comes from the cgroup2 twin's cpu.stat, which is still read.
        #expect(present.isSuperset(of: [.cpuUsage, .memoryUsage, .blockIO, .pids]))
    }

    @Test func theBlockIOFallbackLeavesBlkioUnread() throws {
        let present = try Self.presentFields(omittingBlockIO: true)
        #expect(!present.contains(.blockIO))
        #expect(present.isSuperset(of: [.cpuUsage, .cpuThrottling, .memoryUsage, .pids]))
    }

    /// A row without the cap shows no throttling whether or not cpu.stat was read: the same row.
    @Test func anUncappedRowIsTheSameAsWhenEveryFileWasRead() throws {
        var row = TopRow(id: "c", name: "c", runtime: "docker")
        var full = CompactCgroupCounters()
        full.present = [.cpuUsage, .cpuThrottling]
        full.cpuPeriods = 10
        full.cpuThrottledPeriods = 5
        var newer = full
        newer.cpuUsageNanoseconds = 2_000_000_000
        newer.cpuPeriods = 20
        newer.cpuThrottledPeriods = 10
        let rates = RateCalculator(from: TopCompactCountersTests.first, to: TopCompactCountersTests.second)
        row.fill(counters: newer, since: full, rates: rates, limits: TopCgroupLimits())
        var withoutThrottling = TopRow(id: "c", name: "c", runtime: "docker")
        var oldUsage = full
        oldUsage.present = .cpuUsage
        var newUsage = newer
        newUsage.present = .cpuUsage
        withoutThrottling.fill(counters: newUsage, since: oldUsage, rates: rates, limits: TopCgroupLimits())
        #expect(row == withoutThrottling)
        #expect(row.throttledPercentOfPeriods == nil)
        #expect(row.cpuCores == 1)
    }
}
