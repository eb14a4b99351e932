import LinuxHost
import Recording
import ResourceMetrics

/// Stored values read back as the counters the live samplers produce, so replay computes rates
/// with the same code as `top` and `diagnose` (CgroupRates, HostRates). What the store does
/// not keep per device or interface comes back summed as one "all" entry, and PSI averages
/// (not stored) as 0: every rule reads PSI from the totals.
package enum RecordedCounters {
    /// The device number of the summed "all disks" entry.
    package static let allDevices = BlockDeviceNumber(major: 0, minor: 0)

    package static func cgroup(_ values: RecordedValues) -> CgroupCounters {
        var counters = CgroupCounters()
        func unsigned(_ metric: RecordedMetric) -> UInt64? { values[metric].flatMap { UInt64(exactly: $0) } }
        func nanoseconds(_ metric: RecordedMetric) -> UInt64? { unsigned(metric).map { $0 &* 1000 } }
        if values[.cpuUsageMicroseconds] != nil {
            counters.cpu = CgroupCPUUsage(
                usageNanoseconds: nanoseconds(.cpuUsageMicroseconds),
                userNanoseconds: nanoseconds(.cpuUserMicroseconds),
                systemNanoseconds: nanoseconds(.cpuSystemMicroseconds), periods: unsigned(.cpuPeriods),
                throttledPeriods: unsigned(.cpuThrottledPeriods),
                throttledNanoseconds: nanoseconds(.cpuThrottledMicroseconds))
        }
        if let mask = unsigned(.cpusetMask) {
            counters.cpuset = CPUList(cpus: (0..<63).filter { mask & (1 << UInt64($0)) != 0 })
        }
        if values[.cpuPeriodMicroseconds] != nil || values[.cpuShares] != nil || values[.cpuWeight] != nil {
            counters.cpuLimits = CgroupCPULimits(
                quotaMicroseconds: unsigned(.cpuQuotaMicroseconds),
                periodMicroseconds: unsigned(.cpuPeriodMicroseconds),
                shares: unsigned(.cpuShares), weight: unsigned(.cpuWeight))
        }
        if let usage = unsigned(.memoryUsageBytes) ?? unsigned(.memoryWorkingSetBytes) {
            var memory = CgroupMemoryCounters()
            memory.usageBytes = usage
            memory.limitBytes = unsigned(.memoryLimitBytes)
            memory.swapUsageBytes = unsigned(.memorySwapBytes)
            var stat = CgroupMemoryStat()
            stat.anonymousBytes = unsigned(.memoryRSSBytes)
            stat.fileBytes = unsigned(.memoryCacheBytes)
            // The working set was stored; usage minus it is what the live reader subtracted.
            if let workingSet = unsigned(.memoryWorkingSetBytes) {
                stat.inactiveFileBytes = usage > workingSet ? usage - workingSet : 0
            }
            memory.stat = stat
            memory.limitHitCount = unsigned(.memoryLimitHits)
            memory.oomCount = unsigned(.memoryOOMEvents)
            memory.oomKillCount = unsigned(.memoryOOMKills)
            counters.memory = memory
        }
        if values[.blockReadOperations] != nil || values[.blockReadBytes] != nil {
            counters.blockIO = [
                BlockIOCounters(
                    device: allDevices, readBytes: unsigned(.blockReadBytes) ?? 0,
                    writtenBytes: unsigned(.blockWrittenBytes) ?? 0,
                    readOperations: unsigned(.blockReadOperations) ?? 0,
                    writeOperations: unsigned(.blockWriteOperations) ?? 0)
            ]
        }
        if values[.pids] != nil {
            counters.pids = CgroupPIDCounters(current: unsigned(.pids), limit: unsigned(.pidsLimit))
        }
        counters.cpuPressure = pressure(values, some: .cpuPressureSomeMicroseconds, full: .cpuPressureFullMicroseconds)
        counters.memoryPressure = pressure(
            values, some: .memoryPressureSomeMicroseconds, full: .memoryPressureFullMicroseconds)
        counters.ioPressure = pressure(values, some: .ioPressureSomeMicroseconds, full: .ioPressureFullMicroseconds)
        return counters
    }

    package static func host(_ values: RecordedValues) -> HostCounters {
        func unsigned(_ metric: RecordedMetric) -> UInt64 { values[metric].flatMap { UInt64(exactly: $0) } ?? 0 }
        var cpu = HostCPUStat()
        cpu.total.userTicks = unsigned(.hostCPUUserTicks)
        cpu.total.niceTicks = unsigned(.hostCPUNiceTicks)
        cpu.total.systemTicks = unsigned(.hostCPUSystemTicks)
        cpu.total.idleTicks = unsigned(.hostCPUIdleTicks)
        cpu.total.iowaitTicks = unsigned(.hostCPUIOWaitTicks)
        cpu.total.irqTicks = unsigned(.hostCPUIRQTicks)
        cpu.total.softirqTicks = unsigned(.hostCPUSoftIRQTicks)
        cpu.total.stealTicks = unsigned(.hostCPUStealTicks)
        // Per-CPU idle and busy ticks (recorded since they decide idle on a cpuset), as idle and user.
        for number in 0..<Int(unsigned(.hostCPUCount)) {
            guard let idleMetric = RecordedMetric.hostCPUIdleTicks(cpu: number),
                let busyMetric = RecordedMetric.hostCPUBusyTicks(cpu: number), values[idleMetric] != nil
            else { continue }
            var times = CPUTimes()
            times.idleTicks = unsigned(idleMetric)
            times.userTicks = unsigned(busyMetric)
            cpu.perCPU.append(times)
            cpu.cpuNumbers.append(number)
        }
        cpu.runnableTasks = unsigned(.runnableTasks)
        cpu.contextSwitches = unsigned(.voluntaryContextSwitches) &+ unsigned(.involuntaryContextSwitches)
        let load = LoadAverage(
            oneMinute: Double(unsigned(.loadAverage1Milli)) / 1000,
            fiveMinutes: Double(unsigned(.loadAverage5Milli)) / 1000,
            fifteenMinutes: Double(unsigned(.loadAverage15Milli)) / 1000, runnableTasks: unsigned(.runnableTasks),
            totalTasks: unsigned(.totalTasks), lastPID: 0)
        var memory = MemoryInfo()
        memory.totalBytes = unsigned(.hostMemoryTotalBytes)
        let used = unsigned(.hostMemoryUsedBytes)
        memory.freeBytes = memory.totalBytes > used ? memory.totalBytes - used : 0
        memory.availableBytes = values[.hostMemoryAvailableBytes].flatMap { UInt64(exactly: $0) }
        memory.swapTotalBytes = unsigned(.hostSwapTotalBytes)
        let swapUsed = unsigned(.hostSwapUsedBytes)
        memory.swapFreeBytes = memory.swapTotalBytes > swapUsed ? memory.swapTotalBytes - swapUsed : 0
        var disks: [DiskStats] = []
        if values[.diskReadOperations] != nil {
            var disk = DiskStats(device: allDevices, name: "all disks")
            disk.readsCompleted = unsigned(.diskReadOperations)
            disk.writesCompleted = unsigned(.diskWriteOperations)
            disk.sectorsRead = unsigned(.diskReadBytes) / 512
            disk.sectorsWritten = unsigned(.diskWrittenBytes) / 512
            disk.readMilliseconds = unsigned(.diskReadTimeMilliseconds)
            disk.writeMilliseconds = unsigned(.diskWriteTimeMilliseconds)
            disk.busyMilliseconds = unsigned(.diskBusyMilliseconds)
            disk.inFlight = unsigned(.diskInFlight)
            disks.append(disk)
        }
        var network: [NetworkDeviceStats] = []
        if values[.networkReceivedBytes] != nil {
            var all = NetworkDeviceStats(interface: "all")
            all.receivedBytes = unsigned(.networkReceivedBytes)
            all.transmittedBytes = unsigned(.networkTransmittedBytes)
            all.receivedPackets = unsigned(.networkReceivedPackets)
            all.transmittedPackets = unsigned(.networkTransmittedPackets)
            all.receiveDrops = unsigned(.networkReceiveDrops)
            all.transmitDrops = unsigned(.networkTransmitDrops)
            all.receiveErrors = unsigned(.networkReceiveErrors)
            all.transmitErrors = unsigned(.networkTransmitErrors)
            network.append(all)
        }
        return HostCounters(
            cpu: cpu, loadAverage: load, memory: memory, virtualMemory: VirtualMemoryStat(), disks: disks,
            networkDevices: network,
            tcp: nil,
            cpuPressure: pressure(values, some: .cpuPressureSomeMicroseconds, full: .cpuPressureFullMicroseconds),
            memoryPressure: pressure(
                values, some: .memoryPressureSomeMicroseconds, full: .memoryPressureFullMicroseconds),
            ioPressure: pressure(values, some: .ioPressureSomeMicroseconds, full: .ioPressureFullMicroseconds))
    }

    /// A sample "taken" at its wall-clock time: rates need only differences of instants.
    package static func sample<Counters: Sendable>(
        _ recorded: RecordedSample, _ counters: Counters
    ) -> CounterSample<Counters> {
        CounterSample(
            takenAt: MonotonicInstant(nanoseconds: UInt64(max(recorded.unixMilliseconds, 0)) &* 1_000_000),
            counters: counters)
    }

    private static func pressure(_ values: RecordedValues, some: RecordedMetric, full: RecordedMetric) -> PressureStall?
    {
        guard let someTotal = values[some].flatMap({ UInt64(exactly: $0) }) else { return nil }
        let fullLine = values[full].flatMap { UInt64(exactly: $0) }.map {
            PressureStall.Line(average10sPercent: 0, average60sPercent: 0, average300sPercent: 0, totalMicroseconds: $0)
        }
        return PressureStall(
            some: PressureStall.Line(
                average10sPercent: 0, average60sPercent: 0, average300sPercent: 0, totalMicroseconds: someTotal),
            full: fullLine)
    }
}
