import Foundation
import LinuxHost
import Testing
@testable import ResourceMetrics

/// `top`'s rows from the recorder's compact reader against the rows the general reader gave
/// before (`CgroupCounterReader` + `CgroupRates` + `TopRow.fill(rates:sample:)`): the same
/// fixture cgroup, read twice with its counters advanced in between, must give the same row.
@Suite("top rows from the compact reader")
struct TopCompactCountersTests {
    static let v1ContainerID = "a20c38798b6032f1f79c44a5aa306a9724d6a4d721926d71bf5971e86a959f6c"
    static let first = MonotonicInstant(nanoseconds: 10_000_000_000)
    static let second = MonotonicInstant(nanoseconds: 12_000_000_000)

    /// A writable copy of a fixture tree (the second sample rewrites its counters).
    final class FixtureCopy {
        let root: String

        init(_ name: String) throws {
            root = NSTemporaryDirectory() + "periscope-top-compact-\(getpid())-\(UUID().uuidString)"
            try FileManager.default.copyItem(atPath: "\(Fixtures.root)/counters/\(name)", toPath: root)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        /// Rewrites a file in place (same inode: descriptors kept open see the new text, as
        /// they do when the kernel regenerates a cgroup file).
        func write(_ relativePath: String, _ text: String) throws {
            let handle = try #require(FileHandle(forUpdatingAtPath: root + "/" + relativePath))
            defer { try? handle.close() }
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data(text.utf8))
        }
    }

    /// Both readers on the same directories, before and after `advance`, turned into rows.
    static func rows(
        _ directories: CgroupDirectories, networkPID: Int32? = nil, procRoot: String, advance: () throws -> Void
    ) throws -> (general: TopRow, compact: TopRow, compactReader: CompactCgroupReader) {
        let general = CgroupCounterReader()
        let files = CgroupCounterFiles(directories, counters: .summary)
        let network = HostCounterReader(procRoot: procRoot)
        let compact = try CompactCgroupReader(
            directories: directories, networkDevicesPath: networkPID.map { "\(procRoot)/\($0)/net/dev" },
            fields: TopContainerSampler.fields)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }

        let generalOld = CounterSample(takenAt: first, counters: try general.read(files))
        let networkOld = try networkPID.map {
            CounterSample(takenAt: first, counters: try network.networkDevices(pid: $0))
        }
        var compactOld = CompactCgroupCounters()
        try compact.read(into: &compactOld, buffer: buffer)
        try advance()
        let generalNew = CounterSample(takenAt: second, counters: try general.read(files))
        let networkNew = try networkPID.map {
            CounterSample(takenAt: second, counters: try network.networkDevices(pid: $0))
        }
        var compactNew = compactOld
        try compact.read(into: &compactNew, buffer: buffer)

        var generalRow = TopRow(id: "c", name: "c", runtime: "docker")
        generalRow.fill(
            rates: CgroupRates(old: generalOld, new: generalNew, hostCPUCount: 2), sample: generalNew.counters)
        if let networkOld, let networkNew { generalRow.fill(network: networkOld, networkNew) }
        var compactRow = TopRow(id: "c", name: "c", runtime: "docker")
        compactRow.fill(
            counters: compactNew, since: compactOld, rates: RateCalculator(from: first, to: second),
            limits: TopCgroupLimits.read(directories, reader: CgroupCounterReader()))
        return (generalRow, compactRow, compact)
    }

    @Test func aV1ContainerGivesTheSameRowAsTheGeneralReader() throws {
        let copy = try FixtureCopy("cgroup-v1-docker")
        let id = Self.v1ContainerID
        let layout = try CgroupLayout.read(mountInfoPath: copy.root + "/proc/self/mountinfo", rootPrefix: copy.root)
        let cgroups = try Procfs(root: copy.root + "/proc").cgroups(TaskID(pid: 14609))
        let directories = CgroupDirectories(layout: layout, cgroups: cgroups)
        let (general, compact, reader) = try Self.rows(directories, networkPID: 14609, procRoot: copy.root + "/proc") {
            // 2 s later: 0.25 s of CPU (usage in µs in the cgroup2 twin, ns in cpuacct),
            // 20 more periods of which 10 throttled, 2 MiB read, 4 MiB written, 3 tasks,
            // 8 KiB of inactive page cache, 2,000 bytes in and 1,000 out on eth0 (lo busy too).
            let base = "sys/fs/cgroup"
            try copy.write(
                "\(base)/unified/docker/\(id)/cpu.stat",
                "usage_usec 911703\nuser_usec 845942\nsystem_usec 65760\nnice_usec 0\n")
            try copy.write("\(base)/cpuacct/docker/\(id)/cpuacct.usage", "911703585\n")
            try copy.write(
                "\(base)/cpu/docker/\(id)/cpu.stat",
                "nr_periods 45\nnr_throttled 22\nthrottled_time 774665298\nnr_bursts 0\nburst_time 0\n")
            try copy.write("\(base)/memory/docker/\(id)/memory.usage_in_bytes", "1331200\n")
            let stat = try String(
                contentsOfFile: "\(copy.root)/\(base)/memory/docker/\(id)/memory.stat", encoding: .utf8)
            try copy.write(
                "\(base)/memory/docker/\(id)/memory.stat",
                stat.replacingOccurrences(of: "total_inactive_file 0", with: "total_inactive_file 8192"))
            try copy.write(
                "\(base)/blkio/docker/\(id)/blkio.throttle.io_service_bytes",
                "254:0 Read 2101248\n254:0 Write 10747904\n254:0 Sync 12849152\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 12849152\nTotal 12849152\n"
            )
            try copy.write("\(base)/pids/docker/\(id)/pids.current", "3\n")
            try copy.write(
                "proc/14609/net/dev",
                """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:  500000     100    0    0    0     0          0         0   500000     100    0    0    0     0       0          0
                  eth0:    2876      30    0    0    0     0          0         0     1000      12    0    0    0     0       0          0

                """)
        }
        #expect(compact == general)
        #expect(compact.cpuCores == 0.125)
        #expect(compact.cpuPercentOfCap == 25)
        #expect(compact.throttledPercentOfPeriods == 50)
        #expect(compact.memoryWorkingSetBytes == 1_331_200 - 8192)
        #expect(compact.memoryLimitBytes == 64 * 1024 * 1024)
        #expect(compact.blockReadBytesPerSecond == 1_048_576)
        #expect(compact.blockWrittenBytesPerSecond == 2_097_152)
        #expect(compact.blockIOSource == "cgroup")
        #expect(compact.pids == 3)
        #expect(compact.networkReceivedBytesPerSecond == 1000)
        #expect(compact.networkTransmittedBytesPerSecond == 500)
        // v1 cpu.stat, cpuacct.usage, memory usage and stat, blkio bytes, pids.current,
        // net/dev: the 13 files of the general reader less the five limits and blkio ops.
        #expect(reader.openDescriptorCount == 7)
    }

    @Test func aV2ContainerGivesTheSameRowAsTheGeneralReader() throws {
        let copy = try FixtureCopy("cgroup-v2")
        let layout = try CgroupLayout.read(mountInfoPath: copy.root + "/proc/self/mountinfo", rootPrefix: copy.root)
        let scope = "sys/fs/cgroup/system.slice/docker-3f1c2a.scope"
        let directories = CgroupDirectories(layout: layout, cgroupPath: "/system.slice/docker-3f1c2a.scope")
        let cpuStat = try String(contentsOfFile: "\(copy.root)/\(scope)/cpu.stat", encoding: .utf8)
        let ioStat = try String(contentsOfFile: "\(copy.root)/\(scope)/io.stat", encoding: .utf8)
        let (general, compact, reader) = try Self.rows(directories, procRoot: copy.root + "/proc") {
            // Every number in cpu.stat and io.stat grows by 1,000,000: 0.5 cores, throttled in
            // all of a million periods, 0.5 MB/s read and written per device.
            func bumped(_ text: String) -> String {
                text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    line.split(separator: " ").map { field -> String in
                        if let value = UInt64(field) { return String(value + 1_000_000) }
                        guard let equals = field.firstIndex(of: "="),
                            let value = UInt64(field[field.index(after: equals)...])
                        else { return String(field) }
                        return "\(field[...equals])\(value + 1_000_000)"
                    }.joined(separator: " ")
                }.joined(separator: "\n")
            }
            try copy.write("\(scope)/cpu.stat", bumped(cpuStat))
            try copy.write("\(scope)/io.stat", bumped(ioStat))
            try copy.write("\(scope)/pids.current", "7\n")
        }
        #expect(compact == general)
        #expect(compact.cpuCores == 0.5)
        #expect(compact.throttledPercentOfPeriods == 100)
        #expect(compact.pids == 7)
        #expect(compact.networkReceivedBytesPerSecond == nil, "no net/dev given: the host's network")
        // cpu.stat, memory.current, memory.stat, io.stat, pids.current.
        #expect(reader.openDescriptorCount == 5)
    }

    @Test func theFirstSampleFillsTheGaugesOnly() throws {
        var counters = CompactCgroupCounters()
        counters.present = [.cpuUsage, .memoryUsage, .memoryStat, .pids]
        counters.cpuUsageNanoseconds = 5_000_000_000
        counters.memoryUsageBytes = 10_000
        counters.memoryInactiveFileBytes = 20_000
        counters.pidsCurrent = 4
        var row = TopRow(id: "c", name: "c", runtime: "docker")
        row.fill(
            counters: counters, since: nil, rates: nil, limits: TopCgroupLimits(capCores: 1, memoryLimitBytes: 1 << 20))
        #expect(row.memoryWorkingSetBytes == 0, "inactive file above usage: 0, never a wrap")
        #expect(row.memoryLimitBytes == 1 << 20)
        #expect(row.pids == 4)
        #expect(row.cpuCores == nil && row.cpuPercentOfCap == nil && row.throttledPercentOfPeriods == nil)
    }

    @Test func anUncappedContainerHasNoThrottlingColumn() throws {
        var old = CompactCgroupCounters()
        old.present = [.cpuUsage, .cpuThrottling]
        var new = old
        new.cpuUsageNanoseconds = 1_000_000_000
        new.cpuPeriods = 10
        var row = TopRow(id: "c", name: "c", runtime: "docker")
        row.fill(
            counters: new, since: old, rates: RateCalculator(elapsedSeconds: 1), limits: TopCgroupLimits())
        #expect(row.cpuCores == 1)
        #expect(row.cpuPercentOfCap == nil)
        #expect(row.throttledPercentOfPeriods == nil)
    }

    @Test func theLimitsOfAnUnlimitedCgroupAreNil() throws {
        let root = "\(Fixtures.root)/counters/cgroup-v2"
        let layout = try CgroupLayout.read(mountInfoPath: root + "/proc/self/mountinfo", rootPrefix: root)
        let reader = CgroupCounterReader()
        let unlimited = TopCgroupLimits.read(
            CgroupDirectories(layout: layout, cgroupPath: "/system.slice/unlimited.scope"), reader: reader)
        #expect(unlimited == TopCgroupLimits())
        let capped = TopCgroupLimits.read(
            CgroupDirectories(layout: layout, cgroupPath: "/system.slice/docker-3f1c2a.scope"), reader: reader)
        #expect(capped == TopCgroupLimits(capCores: 0.5, memoryLimitBytes: 64 * 1024 * 1024))
    }
}
