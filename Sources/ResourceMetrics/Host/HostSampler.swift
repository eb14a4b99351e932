import LinuxHost

/// The host's counters read at one instant.
package struct HostCounters: Sendable, Equatable, Codable {
    /// /proc/stat.
    package var cpu: HostCPUStat
    /// /proc/loadavg.
    package var loadAverage: LoadAverage
    /// /proc/meminfo (a gauge).
    package var memory: MemoryInfo
    /// /proc/vmstat.
    package var virtualMemory: VirtualMemoryStat
    /// /proc/diskstats.
    package var disks: [DiskStats]
    /// /proc/net/dev of the host namespace.
    package var networkDevices: [NetworkDeviceStats]
    /// /proc/net/snmp `Tcp:`; nil if unreadable.
    package var tcp: TCPCounters?
    /// /proc/pressure/cpu; nil without PSI.
    package var cpuPressure: PressureStall?
    /// /proc/pressure/memory.
    package var memoryPressure: PressureStall?
    /// /proc/pressure/io.
    package var ioPressure: PressureStall?

    /// Creates a value from its fields.
    package init(
        cpu: HostCPUStat, loadAverage: LoadAverage, memory: MemoryInfo, virtualMemory: VirtualMemoryStat,
        disks: [DiskStats], networkDevices: [NetworkDeviceStats], tcp: TCPCounters?,
        cpuPressure: PressureStall?, memoryPressure: PressureStall?, ioPressure: PressureStall?
    ) {
        self.cpu = cpu
        self.loadAverage = loadAverage
        self.memory = memory
        self.virtualMemory = virtualMemory
        self.disks = disks
        self.networkDevices = networkDevices
        self.tcp = tcp
        self.cpuPressure = cpuPressure
        self.memoryPressure = memoryPressure
        self.ioPressure = ioPressure
    }
}

/// The host between two samples: mpstat, vmstat, iostat -x, free and sar -n in one value.
package struct HostRates: Sendable, Equatable, Codable {
    /// Seconds between the two samples.
    package var intervalSeconds: Double
    /// The `all` row of mpstat.
    package var cpu: CPUUtilization
    /// One row per CPU present in both samples, with its number.
    package var perCPU: [Int: CPUUtilization]
    /// CPUs online at the newer sample.
    package var cpuCount: Int
    /// vmstat `cs`.
    package var contextSwitchesPerSecond: CounterRate
    /// Forks per second (sar `proc/s`).
    package var processesCreatedPerSecond: CounterRate
    /// vmstat `r` and `b` at the newer sample.
    package var runnableTasks: UInt64
    /// vmstat `b`: tasks in uninterruptible sleep.
    package var blockedTasks: UInt64
    /// /proc/loadavg at the newer sample.
    package var loadAverage: LoadAverage
    /// /proc/meminfo at the newer sample.
    package var memory: MemoryInfo
    /// Pages swapped in per second (sar `pswpin/s`).
    package var swappedInPagesPerSecond: CounterRate
    /// Pages swapped out per second (sar `pswpout/s`).
    package var swappedOutPagesPerSecond: CounterRate
    /// sar `majflt/s`.
    package var majorPageFaultsPerSecond: CounterRate
    /// OOM kills between the samples; nil on kernels without the counter.
    package var oomKillsSinceLastSample: UInt64?
    /// iostat -x rows for devices present in both samples.
    package var disks: [DiskRates]
    /// sar -n DEV rows for interfaces present in both samples.
    package var networkDevices: [NetworkRates]
    /// sar -n TCP,ETCP.
    package var tcp: TCPRates?
    /// Host CPU stall time per second.
    package var cpuPressure: PressureRates?
    /// Host memory stall time per second.
    package var memoryPressure: PressureRates?
    /// Host I/O stall time per second.
    package var ioPressure: PressureRates?

    /// Nil when the samples are not in time order.
    package init?(old: CounterSample<HostCounters>, new: CounterSample<HostCounters>) {
        guard let rates = RateCalculator(from: old.takenAt, to: new.takenAt) else { return nil }
        let before = old.counters, after = new.counters
        intervalSeconds = rates.elapsedSeconds
        cpu = CPUUtilization(old: before.cpu.total, new: after.cpu.total)
        var perCPU: [Int: CPUUtilization] = [:]
        let oldIndexByCPU = Dictionary(
            zip(before.cpu.cpuNumbers, before.cpu.perCPU.indices), uniquingKeysWith: { first, _ in first })
        for (index, number) in after.cpu.cpuNumbers.enumerated() {
            if let oldIndex = oldIndexByCPU[number] {
                perCPU[number] = CPUUtilization(old: before.cpu.perCPU[oldIndex], new: after.cpu.perCPU[index])
            }
        }
        self.perCPU = perCPU
        cpuCount = after.cpu.perCPU.count
        contextSwitchesPerSecond = rates.rate(from: before.cpu.contextSwitches, to: after.cpu.contextSwitches)
        processesCreatedPerSecond = rates.rate(from: before.cpu.processesCreated, to: after.cpu.processesCreated)
        runnableTasks = after.cpu.runnableTasks
        blockedTasks = after.cpu.blockedTasks
        loadAverage = after.loadAverage
        memory = after.memory
        swappedInPagesPerSecond = rates.rate(
            from: before.virtualMemory.swappedInPages, to: after.virtualMemory.swappedInPages)
        swappedOutPagesPerSecond = rates.rate(
            from: before.virtualMemory.swappedOutPages, to: after.virtualMemory.swappedOutPages)
        majorPageFaultsPerSecond = rates.rate(
            from: before.virtualMemory.majorPageFaults, to: after.virtualMemory.majorPageFaults)
        if let oldKills = before.virtualMemory.oomKills, let newKills = after.virtualMemory.oomKills {
            oomKillsSinceLastSample = RateCalculator.increase(from: oldKills, to: newKills).amount
        }
        disks = MatchedEntries(old: before.disks, new: after.disks, key: \.device).matched.map {
            DiskRates(old: $0.old, new: $0.new, rates: rates)
        }
        networkDevices =
            NetworkRates.rates(old: before.networkDevices, new: after.networkDevices, rates: rates).interfaces
        if let oldTCP = before.tcp, let newTCP = after.tcp { tcp = TCPRates(old: oldTCP, new: newTCP, rates: rates) }
        cpuPressure = PressureRates(old: before.cpuPressure, new: after.cpuPressure, rates: rates)
        memoryPressure = PressureRates(old: before.memoryPressure, new: after.memoryPressure, rates: rates)
        ioPressure = PressureRates(old: before.ioPressure, new: after.ioPressure, rates: rates)
    }
}

/// Samples the host's counters through descriptors kept open between samples.
package final class HostSampler {
    /// The reader that owns the descriptors.
    package let reader: HostCounterReader
    /// The interfaces sampled, read from sysfs (`HostCounterReader.networkDevices(named:)`);
    /// nil samples every interface of /proc/net/dev. A view that sums only some (`top`'s
    /// header: the physical ones) names them, so a host's hundreds of veths are not read.
    package var networkInterfaces: [String]?

    /// Creates it with its own descriptors and buffer unless given some.
    package init(reader: HostCounterReader = HostCounterReader()) { self.reader = reader }

    /// Reads every host counter now. Missing PSI (old kernels) and net/snmp leave nils.
    package func sample() throws(HostReadError) -> CounterSample<HostCounters> {
        let takenAt = MonotonicInstant.now()
        let networkDevices: [NetworkDeviceStats]
        if let networkInterfaces {
            networkDevices = reader.networkDevices(named: networkInterfaces)
        } else {
            networkDevices = try reader.networkDevices()
        }
        let counters = HostCounters(
            cpu: try reader.cpuStat(), loadAverage: try reader.loadAverage(), memory: try reader.memoryInfo(),
            virtualMemory: try reader.virtualMemoryStat(), disks: try reader.diskStats(),
            networkDevices: networkDevices, tcp: try? reader.tcpCounters(),
            cpuPressure: try reader.pressure(.cpu), memoryPressure: try reader.pressure(.memory),
            ioPressure: try reader.pressure(.io))
        return CounterSample(takenAt: takenAt, counters: counters)
    }
}
