import Testing
@testable import LinuxHost

/// The recorder's compact reader against the general reader on the same fixture trees: every
/// counter it keeps must equal what `CgroupCounterReader` (used by top, stats and diagnose)
/// reads, on v1 (separate cpu and cpuacct mounts, a cgroup2 twin) and on v2.
@Suite("Compact cgroup reader")
struct CompactCgroupReaderTests {
    private static func read(
        _ directories: CgroupDirectories, networkDevicesPath: String? = nil
    ) throws -> CompactCgroupCounters {
        let reader = try CompactCgroupReader(directories: directories, networkDevicesPath: networkDevicesPath)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        var counters = CompactCgroupCounters()
        try reader.read(into: &counters, buffer: buffer)
        return counters
    }

    private static func expectSameAsGeneralReader(_ compact: CompactCgroupCounters, _ full: CgroupCounters) throws {
        let cpu = try #require(full.cpu)
        // v1: usage comes from the cgroup2 twin's usage_usec (µs), cpuacct.usage is in ns.
        #expect(compact.cpuUsageNanoseconds / 1000 == (cpu.usageNanoseconds ?? 0) / 1000)
        #expect(compact.cpuPeriods == cpu.periods)
        #expect(compact.cpuThrottledPeriods == cpu.throttledPeriods)
        #expect(compact.cpuThrottledNanoseconds == cpu.throttledNanoseconds)
        let memory = try #require(full.memory)
        #expect(compact.memoryUsageBytes == memory.usageBytes)
        #expect(compact.memoryInactiveFileBytes == memory.stat?.inactiveFileBytes)
        #expect(compact.memoryAnonymousBytes == memory.stat?.anonymousBytes)
        #expect(compact.oomKills == memory.oomKillCount)
        let devices = full.blockIO ?? []
        #expect(compact.blockReadBytes == devices.reduce(0) { $0 + $1.readBytes })
        #expect(compact.blockWriteBytes == devices.reduce(0) { $0 + $1.writtenBytes })
        #expect(compact.blockReadOperations == devices.reduce(0) { $0 + $1.readOperations })
        #expect(compact.blockWriteOperations == devices.reduce(0) { $0 + $1.writeOperations })
        #expect(compact.pidsCurrent == full.pids?.current)
        #expect(compact.cpuPressureSomeMicroseconds == full.cpuPressure?.some.totalMicroseconds)
        #expect(compact.memoryPressureFullMicroseconds == full.memoryPressure?.full?.totalMicroseconds)
        #expect(compact.ioPressureSomeMicroseconds == full.ioPressure?.some.totalMicroseconds)
        #expect(compact.memoryWorkingSetBytes != nil)
    }

    @Test func v1ContainerMatchesTheGeneralReader() throws {
        let root = CountersCgroupV1Tests.root
        let cgroups = try Procfs(root: root + "/proc").cgroups(TaskID(pid: 14609))
        let directories = CgroupDirectories(layout: try CountersCgroupV1Tests.layout(), cgroups: cgroups)
        let compact = try Self.read(directories, networkDevicesPath: root + "/proc/14609/net/dev")
        try Self.expectSameAsGeneralReader(compact, try CgroupCounterReader().read(CgroupCounterFiles(directories)))
        #expect(
            compact.present.isSuperset(of: [
                .cpuUsage, .cpuUserSystem, .cpuThrottling, .memoryUsage, .memoryStat, .oomKills, .blockIO, .pids,
                .pressure, .network
            ]))
        // The cgroup2 twin's cpu.stat replaces cpuacct.usage and cpuacct.stat.
        #expect(compact.cpuUsageNanoseconds == 661_703_000)
        #expect(compact.cpuUserNanoseconds == 645_942_000)
        // eth0 only: loopback is left out.
        #expect(compact.networkReceivedBytes == 876)
        #expect(compact.networkReceivedPackets == 10)
    }

    @Test func v2ContainerMatchesTheGeneralReader() throws {
        let directories = try CountersCgroupV2Tests.files("/system.slice/docker-3f1c2a.scope").directories
        let compact = try Self.read(directories)
        try Self.expectSameAsGeneralReader(compact, try CgroupCounterReader().read(CgroupCounterFiles(directories)))
        #expect(compact.cpuUserNanoseconds == 6_000_000_000)
        #expect(compact.cpuSystemNanoseconds == 2_250_000_000)
        #expect(!compact.present.contains(.network))
    }

    @Test func skippingMemoryStatKeepsTheLastBreakdown() throws {
        let directories = try CountersCgroupV2Tests.files("/system.slice/docker-3f1c2a.scope").directories
        let reader = try CompactCgroupReader(directories: directories, networkDevicesPath: nil)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        var counters = CompactCgroupCounters()
        try reader.read(into: &counters, buffer: buffer)
        let anonymous = counters.memoryAnonymousBytes
        counters.memoryAnonymousBytes = 1
        try reader.read(into: &counters, buffer: buffer, includeMemoryStat: false)
        #expect(counters.memoryAnonymousBytes == 1)
        #expect(counters.present.contains(.memoryStat))
        try reader.read(into: &counters, buffer: buffer)
        #expect(counters.memoryAnonymousBytes == anonymous)
    }

    /// A file is left unread only when every field it gives is omitted: v2's cpu.stat also
    /// gives the usage, and io.stat the operations when the reader was asked for them.
    @Test func omittingReadsOnlyFilesWithAFieldStillWanted() throws {
        let directories = try CountersCgroupV2Tests.files("/system.slice/docker-3f1c2a.scope").directories
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        func present(
            fields: CompactCgroupCounters.Fields, omitting: CompactCgroupCounters.Fields
        ) throws
            -> CompactCgroupCounters.Fields
        {
            let reader = try CompactCgroupReader(directories: directories, networkDevicesPath: nil, fields: fields)
            var counters = CompactCgroupCounters()
            try reader.read(into: &counters, buffer: buffer, omitting: omitting)
            return counters.present
        }
        let top: CompactCgroupCounters.Fields = [.cpuUsage, .cpuThrottling, .memoryUsage, .blockIO, .pids]
        #expect(try present(fields: top, omitting: .cpuThrottling).isSuperset(of: [.cpuUsage, .cpuThrottling]))
        let withoutBlockIO = try present(fields: top, omitting: .blockIO)
        #expect(!withoutBlockIO.contains(.blockIO) && withoutBlockIO.isSuperset(of: [.cpuUsage, .memoryUsage, .pids]))
        #expect(try present(fields: .all, omitting: .blockIO).contains(.blockIOOperations))
        let gaugesOmitted = try present(fields: top, omitting: [.memoryUsage, .pids])
        #expect(
            gaugesOmitted.isDisjoint(with: [.memoryUsage, .pids]) && gaugesOmitted.isSuperset(of: [.cpuUsage, .blockIO])
        )
    }

    @Test func aRemovedCgroupThrowsRemoved() throws {
        let directories = CgroupDirectories(cpu: .init(path: "/nonexistent-periscope/cgroup", isUnified: true))
        #expect(throws: HostReadError.self) {
            try CompactCgroupReader(directories: directories, networkDevicesPath: nil)
        }
        do {
            _ = try CompactCgroupReader(directories: directories, networkDevicesPath: nil)
        } catch {
            #expect(error.isCgroupRemoved)
        }
    }
}
