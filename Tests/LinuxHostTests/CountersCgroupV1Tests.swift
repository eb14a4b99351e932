import Testing
@testable import LinuxHost

/// The v1 fixture copied from a Docker container on this machine kind (see Fixtures/counters/README.md).
@Suite("Cgroup counters, v1 (Docker, separate cpu and cpuacct mounts)")
struct CountersCgroupV1Tests {
    static let root = "\(Fixtures.root)/counters/cgroup-v1-docker"
    static let containerID = "a20c38798b6032f1f79c44a5aa306a9724d6a4d721926d71bf5971e86a959f6c"

    static func layout() throws -> CgroupLayout {
        try CgroupLayout.read(mountInfoPath: root + "/proc/self/mountinfo", rootPrefix: root)
    }

    static func containerFiles() throws -> CgroupCounterFiles {
        let cgroups = try Procfs(root: root + "/proc").cgroups(TaskID(pid: 14609))
        return CgroupCounterFiles(CgroupDirectories(layout: try layout(), cgroups: cgroups))
    }

    @Test func findsOneDirectoryPerControllerAndTheUnifiedOneForPSI() throws {
        let directories = try Self.containerFiles().directories
        let base = Self.root + "/sys/fs/cgroup"
        #expect(directories.cpu == .init(path: "\(base)/cpu/docker/\(Self.containerID)", isUnified: false))
        #expect(directories.cpuacct == .init(path: "\(base)/cpuacct/docker/\(Self.containerID)", isUnified: false))
        #expect(directories.memory?.path == "\(base)/memory/docker/\(Self.containerID)")
        #expect(directories.io?.path == "\(base)/blkio/docker/\(Self.containerID)")
        #expect(directories.pids?.path == "\(base)/pids/docker/\(Self.containerID)")
        #expect(directories.unified == "\(base)/unified/docker/\(Self.containerID)")
    }

    @Test func aJoinedCpuCpuacctMountServesBothControllers() {
        let mountInfo = """
            32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            """
        let layout = CgroupLayout.fromMountInfo(mountInfo)
        let directories = CgroupDirectories(layout: layout, cgroupPath: "/docker/abc")
        #expect(directories.cpu == .init(path: "/sys/fs/cgroup/cpu,cpuacct/docker/abc", isUnified: false))
        #expect(directories.cpuacct == directories.cpu)
        #expect(directories.memory?.path == "/sys/fs/cgroup/memory/docker/abc")
        #expect(directories.unified == nil)
        #expect(directories.pids == nil)
    }

    @Test func aPathGivesTheSameDirectoriesAsTheProcessCgroups() throws {
        let fromPath = CgroupDirectories(layout: try Self.layout(), cgroupPath: "/docker/\(Self.containerID)")
        #expect(fromPath == (try Self.containerFiles().directories))
    }

    @Test func readsEveryCounter() throws {
        let reader = CgroupCounterReader(ticksPerSecond: 100)
        let counters = try reader.read(try Self.containerFiles())
        #expect(
            counters.cpu
                == CgroupCPUUsage(
                    usageNanoseconds: 661_703_585, userNanoseconds: 640_000_000, systemNanoseconds: 10_000_000,
                    periods: 25, throttledPeriods: 12, throttledNanoseconds: 574_665_298))
        #expect(
            counters.cpuLimits == CgroupCPULimits(quotaMicroseconds: 50_000, periodMicroseconds: 100_000, shares: 1024))
        #expect(counters.cpuLimits?.capCores == 0.5)
        #expect(counters.cpuset == CPUList(cpus: [0, 1]))
        let memory = try #require(counters.memory)
        #expect(memory.usageBytes == 331_776)
        #expect(memory.limitBytes == 64 * 1024 * 1024)
        #expect(memory.limitHitCount == 0)
        #expect(memory.oomKillCount == 0)
        #expect(memory.isUnderOOM == false)
        #expect(memory.memoryAndSwapUsageBytes != nil)
        #expect(memory.swapUsageBytes == 0)
        #expect(memory.stat?.anonymousBytes == 53_248)
        #expect(memory.stat?.inactiveFileBytes == 0)
        #expect(memory.stat?.majorPageFaults == 0)
        #expect(memory.stat?.pageFaults == 1243)
        #expect(memory.workingSetBytes == 331_776)
        #expect(
            counters.blockIO == [
                BlockIOCounters(
                    device: .init(major: 254, minor: 0), readBytes: 4096, writtenBytes: 6_553_600, readOperations: 1,
                    writeOperations: 100)
            ])
        #expect(
            counters.blockIOLimits == [
                BlockIOLimits(
                    device: .init(major: 254, minor: 0), readBytesPerSecond: 1_048_576, writeOperationsPerSecond: 100)
            ])
        #expect(counters.pids == CgroupPIDCounters(current: 1, limit: 100))
        #expect(counters.cpuPressure?.some.totalMicroseconds == 580_852)
        #expect(counters.cpuPressure?.full?.average10sPercent == 1.02)
        #expect(counters.ioPressure?.some.average10sPercent == 1.73)
        #expect(counters.memoryPressure?.some.totalMicroseconds == 0)
        // Absent on this host: nothing opened twice, missing files remembered.
        #expect(reader.cache.openDescriptorCount > 15)
    }

    @Test func theParentCgroupHasNoLimits() throws {
        let files = CgroupCounterFiles(CgroupDirectories(layout: try Self.layout(), cgroupPath: "/docker"))
        let counters = try CgroupCounterReader().read(files)
        #expect(counters.memory?.limitBytes == nil)
        #expect(counters.memory?.usageBytes != nil)
        #expect(counters.pids?.limit == nil)
        #expect(counters.cpuLimits?.quotaMicroseconds == nil)
        #expect(counters.cpuLimits?.periodMicroseconds == 100_000)
        #expect(counters.cpuLimits?.capCores == nil)
        // cpuacct and cpuset files were not copied for the parent: fields stay nil, not zero.
        #expect(counters.cpu == nil)
        #expect(counters.cpuset == nil)
    }

    @Test func aRemovedCgroupThrowsVanished() throws {
        let files = CgroupCounterFiles(CgroupDirectories(layout: try Self.layout(), cgroupPath: "/docker/gone"))
        #expect { try CgroupCounterReader().read(files) } throws: { error in
            (error as? HostReadError)?.isCgroupRemoved == true
        }
    }

    @Test(
        arguments: [
            ("9223372036854771712\n", nil),
            ("9223372036854710272\n", nil),  // 64 KiB pages round the maximum down further
            ("67108864\n", UInt64(67_108_864))
        ] as [(String, UInt64?)])
    func v1MemoryLimitTreatsThePageCounterMaximumAsUnlimited(text: String, expected: UInt64?) throws {
        #expect(
            try parsing(text) { bytes throws(HostReadError) in
                try CgroupMemoryCounters.parseV1Limit(bytes, path: "limit")
            } == expected)
    }

    @Test func v1MemoryStatPrefersHierarchicalTotals() throws {
        let text =
            "cache 1\nrss 2\ninactive_file 3\npgmajfault 4\ntotal_cache 10\ntotal_rss 20\ntotal_inactive_file 30\ntotal_pgmajfault 40\ntotal_swap 50\ntotal_shmem 60\n"
        let stat = try parsing(text) { CgroupMemoryStat.parseV1($0) }
        #expect(stat.fileBytes == 10)
        #expect(stat.anonymousBytes == 20)
        #expect(stat.inactiveFileBytes == 30)
        #expect(stat.majorPageFaults == 40)
        #expect(stat.swapBytes == 50)
        #expect(stat.shmemBytes == 60)
    }

    @Test func workingSetKeepsShmemAndClampsAtZero() {
        var memory = CgroupMemoryCounters()
        memory.usageBytes = 100
        var stat = CgroupMemoryStat()
        stat.inactiveFileBytes = 30
        stat.shmemBytes = 50
        memory.stat = stat
        #expect(memory.workingSetBytes == 70)
        memory.stat?.inactiveFileBytes = 200
        #expect(memory.workingSetBytes == 0)
    }

    @Test func blkioIgnoresSyncAsyncAndTotalLines() throws {
        let text =
            "8:0 Read 10\n8:0 Write 20\n8:0 Sync 30\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 30\n253:0 Read 5\n253:0 Write 0\nTotal 35\n"
        let devices = try parsing(text) { bytes in
            var devices: [BlockIOCounters] = []
            BlockIOCounters.mergeV1(bytes, .serviceBytes, into: &devices)
            return devices
        }
        #expect(
            devices == [
                BlockIOCounters(device: .init(major: 8, minor: 0), readBytes: 10, writtenBytes: 20),
                BlockIOCounters(device: .init(major: 253, minor: 0), readBytes: 5)
            ])
    }
}
