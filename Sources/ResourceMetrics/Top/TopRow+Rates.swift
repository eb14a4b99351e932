import LinuxHost

extension TopRow {
    /// Fills the numbers from a cgroup's rates, or, for a container seen for the first time,
    /// from its one sample: memory and PIDs are gauges and need no second sample.
    mutating func fill(rates: CgroupRates?, sample: CgroupCounters) {
        memoryWorkingSetBytes = sample.memory?.workingSetBytes
        memoryLimitBytes = sample.memory?.limitBytes
        pids = sample.pids?.current ?? pids
        guard let rates else { return }
        cpuCores = rates.cpu.usageCores?.perSecond
        cpuPercentOfCap = rates.cpu.percentOfCap
        throttledPercentOfPeriods = rates.cpu.capCores == nil ? nil : rates.cpu.throttledPercentOfPeriods
        if let totals = rates.blockIOTotals {
            blockReadBytesPerSecond = totals.readBytesPerSecond
            blockWrittenBytesPerSecond = totals.writtenBytesPerSecond
            blockIOSource = totals.source
        }
    }

    /// Fills the network columns from two reads of a namespace's net/dev, loopback left out.
    mutating func fill(network old: CounterSample<[NetworkDeviceStats]>, _ new: CounterSample<[NetworkDeviceStats]>) {
        guard let calculator = RateCalculator(from: old.takenAt, to: new.takenAt) else { return }
        let interfaces = NetworkRates.rates(old: old.counters, new: new.counters, rates: calculator).interfaces.filter {
            $0.interface != "lo"
        }
        networkReceivedBytesPerSecond = interfaces.reduce(0) { $0 + $1.receivedBytesPerSecond.perSecond }
        networkTransmittedBytesPerSecond = interfaces.reduce(0) { $0 + $1.transmittedBytesPerSecond.perSecond }
    }

    /// Fills the host row from the header: every CPU, all memory, whole disks, uplinks, all tasks.
    mutating func fill(host summary: TopHostSummary) {
        cpuCores = summary.cpu.busyPercent / 100 * Double(summary.cpuCount)
        memoryWorkingSetBytes = summary.memoryUsedBytes
        memoryLimitBytes = summary.memoryTotalBytes
        blockReadBytesPerSecond = summary.diskReadBytesPerSecond
        blockWrittenBytesPerSecond = summary.diskWrittenBytesPerSecond
        networkReceivedBytesPerSecond = summary.networkReceivedBytesPerSecond
        networkTransmittedBytesPerSecond = summary.networkTransmittedBytesPerSecond
        pids = summary.totalTasks
    }
}
