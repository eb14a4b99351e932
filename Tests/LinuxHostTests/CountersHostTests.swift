import Foundation
import Testing
@testable import LinuxHost

/// Host counter files copied from this machine (Fixtures/counters/host).
@Suite("Host counters")
struct CountersHostTests {
    static let procRoot = "\(Fixtures.root)/counters/host/proc"

    @Test func procStat() throws {
        let stat = try HostCounterReader(procRoot: Self.procRoot).cpuStat()
        var total = CPUTimes()
        (total.userTicks, total.niceTicks, total.systemTicks, total.idleTicks, total.iowaitTicks) = (
            188_985, 122, 72_957, 609_716, 4731
        )
        (total.irqTicks, total.softirqTicks, total.stealTicks) = (0, 703, 6517)
        #expect(stat.total == total)
        #expect(stat.cpuNumbers == [0, 1])
        #expect(stat.perCPU[1].iowaitTicks == 4075)
        #expect(stat.perCPU[0].stealTicks == 3240)
        #expect(stat.contextSwitches == 5_020_465)
        #expect(stat.processesCreated == 144_462)
        #expect(stat.runnableTasks == 2)
        #expect(stat.blockedTasks == 0)
    }

    @Test func procStatOfAnOldKernelWithoutStealOrGuest() throws {
        let stat = try parsing("cpu  10 0 5 100 1 0 0\ncpu0 10 0 5 100 1 0 0\nctxt 7\n") {
            bytes throws(HostReadError) in try HostCPUStat.parse(bytes, path: "stat")
        }
        #expect(stat.total.totalTicks == 116)
        #expect(stat.total.stealTicks == 0)
        #expect(stat.contextSwitches == 7)
    }

    @Test func loadAverage() throws {
        #expect(
            try HostCounterReader(procRoot: Self.procRoot).loadAverage()
                == LoadAverage(
                    oneMinute: 0.56, fiveMinutes: 0.56, fifteenMinutes: 0.77, runnableTasks: 2, totalTasks: 168,
                    lastPID: 14976))
    }

    @Test func memoryInfoIsInBytes() throws {
        let info = try HostCounterReader(procRoot: Self.procRoot).memoryInfo()
        let text = try Fixtures.text("counters/host", "proc/meminfo")
        func kilobytes(_ key: String) -> UInt64 {
            let line = text.split(separator: "\n").first { $0.hasPrefix(key + ":") }!
            return UInt64(line.split(separator: " ")[1])! * 1024
        }
        #expect(info.totalBytes == kilobytes("MemTotal"))
        #expect(info.availableBytes == kilobytes("MemAvailable"))
        #expect(info.cachedBytes == kilobytes("Cached"))
        #expect(info.swapCachedBytes == kilobytes("SwapCached"))
        #expect(info.shmemBytes == kilobytes("Shmem"))
        #expect(info.swapTotalBytes == kilobytes("SwapTotal"))
        #expect(info.usedBytes < info.totalBytes)
    }

    @Test func vmstat() throws {
        let stat = try HostCounterReader(procRoot: Self.procRoot).virtualMemoryStat()
        let text = try Fixtures.text("counters/host", "proc/vmstat")
        func value(_ key: String) -> UInt64 {
            UInt64(text.split(separator: "\n").first { $0.hasPrefix(key + " ") }!.split(separator: " ")[1])!
        }
        #expect(stat.swappedInPages == value("pswpin"))
        #expect(stat.swappedOutPages == value("pswpout"))
        #expect(stat.majorPageFaults == value("pgmajfault"))
        #expect(stat.oomKills == value("oom_kill"))
    }

    @Test func diskstats() throws {
        let reader = HostCounterReader(procRoot: Self.procRoot)
        let disks = try reader.diskStats()
        #expect(disks.count == 10)
        let vda = try #require(disks.first { $0.name == "vda" })
        #expect(vda.device == BlockDeviceNumber(major: 254, minor: 0))
        #expect(
            (vda.readsCompleted, vda.readsMerged, vda.sectorsRead, vda.readMilliseconds) == (
                229_941, 21049, 21_347_082, 658_419
            ))
        #expect(
            (vda.writesCompleted, vda.writesMerged, vda.sectorsWritten, vda.writeMilliseconds) == (
                126_947, 58943, 7_647_584, 70793
            ))
        #expect((vda.inFlight, vda.busyMilliseconds, vda.weightedBusyMilliseconds) == (0, 70636, 739_330))
        #expect((vda.discardsCompleted, vda.sectorsDiscarded, vda.discardMilliseconds) == (36432, 5_081_064, 7773))
        #expect((vda.flushesCompleted, vda.flushMilliseconds) == (23492, 2342))
        // The second read reuses the names of the first.
        #expect(try reader.diskStats() == disks)
    }

    @Test func netDevOfTheHostAndOfAContainerNamespace() throws {
        let host = try HostCounterReader(procRoot: Self.procRoot).networkDevices()
        #expect(host.map(\.interface) == ["lo", "ifb0", "ifb1", "eth0", "docker0", "vethdfee70a"])
        let eth0 = try #require(host.first { $0.interface == "eth0" })
        #expect(
            (eth0.receivedBytes, eth0.receivedPackets, eth0.transmittedBytes, eth0.transmittedPackets) == (
                79_963_525, 1572, 77524, 1068
            ))
        let docker0 = try #require(host.first { $0.interface == "docker0" })
        #expect(docker0.transmitDrops == 8)
        let container = try HostCounterReader(procRoot: "\(Fixtures.root)/counters/cgroup-v1-docker/proc")
            .networkDevices(pid: 14609)
        #expect(container.map(\.interface).sorted() == ["eth0", "lo"])
    }

    @Test("an interface's sysfs statistics read as /proc/net/dev's line; a gone interface is left out")
    func interfaceStatisticsFromSysfs() throws {
        let sysRoot = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-sysfs-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: sysRoot) }
        let statistics = sysRoot + "/class/net/eth0/statistics"
        try FileManager.default.createDirectory(atPath: statistics, withIntermediateDirectories: true)
        let values: [String: UInt64] = [
            "rx_bytes": 79_963_525, "rx_packets": 1572, "rx_errors": 1, "rx_dropped": 2, "rx_missed_errors": 3,
            "tx_bytes": 77524, "tx_packets": 1068, "tx_errors": 4, "tx_dropped": 8
        ]
        for (file, value) in values {
            try "\(value)\n".write(toFile: statistics + "/" + file, atomically: false, encoding: .utf8)
        }
        let reader = HostCounterReader(procRoot: Self.procRoot)
        let read = reader.networkDevices(named: ["eth0", "veth-gone"], sysRoot: sysRoot)
        #expect(read.map(\.interface) == ["eth0"])
        let eth0 = try #require(read.first)
        #expect(
            (eth0.receivedBytes, eth0.receivedPackets, eth0.receiveErrors, eth0.receiveDrops) == (
                79_963_525, 1572, 1, 5
            ))
        #expect(
            (eth0.transmittedBytes, eth0.transmittedPackets, eth0.transmitErrors, eth0.transmitDrops) == (
                77524, 1068, 4, 8
            ))
    }

    @Test("on this host, loopback's sysfs counters lie between two reads of /proc/net/dev")
    func interfaceStatisticsAgreeWithProcNetDev() throws {
        let reader = HostCounterReader()
        let before = try #require(try reader.networkDevices().first { $0.interface == "lo" })
        let sysfs = try #require(reader.networkDevices(named: ["lo"]).first)
        let after = try #require(try reader.networkDevices().first { $0.interface == "lo" })
        #expect(before.receivedBytes <= sysfs.receivedBytes && sysfs.receivedBytes <= after.receivedBytes)
        #expect(
            before.transmittedPackets <= sysfs.transmittedPackets
                && sysfs.transmittedPackets <= after.transmittedPackets)
        #expect(before.receiveDrops <= sysfs.receiveDrops && sysfs.receiveDrops <= after.receiveDrops)
    }

    @Test func netDevWithoutASpaceAfterTheColon() throws {
        let text =
            "Inter-|   Receive |  Transmit\n face |bytes packets\n  eth0:1234567890123 5 1 2 0 0 0 0 99 6 3 4 0 0 0 0\n"
        let interfaces = try parsing(text) { bytes throws(HostReadError) in
            try NetworkDeviceStats.parseAll(bytes, path: "dev")
        }
        #expect(interfaces.count == 1)
        #expect(interfaces[0].receivedBytes == 1_234_567_890_123)
        #expect((interfaces[0].receiveErrors, interfaces[0].receiveDrops) == (1, 2))
        #expect(
            (
                interfaces[0].transmittedBytes, interfaces[0].transmittedPackets, interfaces[0].transmitErrors,
                interfaces[0].transmitDrops
            ) == (99, 6, 3, 4))
    }

    @Test func tcpCountersMatchColumnsByName() throws {
        let tcp = try HostCounterReader(procRoot: Self.procRoot).tcpCounters()
        #expect((tcp.activeOpens, tcp.passiveOpens, tcp.attemptFails, tcp.currentEstablished) == (13, 2, 2, 0))
        #expect(
            (tcp.segmentsReceived, tcp.segmentsSent, tcp.segmentsRetransmitted, tcp.resetsSent) == (1580, 1069, 0, 2))
        let reordered = try parsing("Tcp: RetransSegs MaxConn ActiveOpens\nTcp: 7 -1 3\n") {
            bytes throws(HostReadError) in try TCPCounters.parse(bytes, path: "snmp")
        }
        #expect((reordered.segmentsRetransmitted, reordered.activeOpens) == (7, 3))
    }

    @Test func hostPressure() throws {
        let reader = HostCounterReader(procRoot: Self.procRoot)
        let cpu = try #require(try reader.pressure(.cpu))
        #expect(cpu.some.totalMicroseconds == 338_410_005)
        #expect(cpu.full?.totalMicroseconds == 0)
        #expect(try reader.pressure(.io)?.full?.average10sPercent == 1.64)
        #expect(try reader.pressure(.memory)?.some.totalMicroseconds == 0)
        #expect(try HostCounterReader(procRoot: "\(Fixtures.root)/counters/cgroup-v2/proc").pressure(.cpu) == nil)
    }
}
