import Recording
import ResourceMetrics

/// `periscope top --db PATH --at T`: the top screen as it was at T, from the last two samples
/// at or before T of the host and of every container recorded then, with the rates the live
/// view computes from the same counters.
package struct RecordedTop {
    package let reader: RecordingReader

    package init(reader: RecordingReader) { self.reader = reader }
    /// Samples further apart than this before T are not "the screen at T": the recorder was not running.
    package static let lookBackSeconds = 120.0

    /// The frame at `unixSeconds`, nil when the host has fewer than two samples before it.
    package func frame(at unixSeconds: Double) throws -> TopFrame? {
        let to = RecordingReader.milliseconds(unixSeconds)
        let from = RecordingReader.milliseconds(unixSeconds - Self.lookBackSeconds)
        let hostSamples = try reader.read { store throws(RecordingError) in
            try store.samples(of: .host, from: from, to: to)
        }
        guard hostSamples.count >= 2 else { return nil }
        let old = hostSamples[hostSamples.count - 2], new = hostSamples[hostSamples.count - 1]
        guard
            var hostRates = HostRates(
                old: RecordedCounters.sample(old, RecordedCounters.host(old.values)),
                new: RecordedCounters.sample(new, RecordedCounters.host(new.values)))
        else { return nil }
        let cpuCount = Int(new.values[.hostCPUCount] ?? 1)
        hostRates.cpuCount = cpuCount
        let memory = hostRates.memory
        let disk = hostRates.disks.first
        let network = hostRates.networkDevices.first
        let summary = TopHostSummary(
            loadAverages: [
                hostRates.loadAverage.oneMinute, hostRates.loadAverage.fiveMinutes, hostRates.loadAverage.fifteenMinutes
            ],
            runnableTasks: hostRates.loadAverage.runnableTasks, totalTasks: hostRates.loadAverage.totalTasks,
            cpuCount: cpuCount, cpu: hostRates.cpu,
            memoryUsedBytes: memory.usedBytes, memoryTotalBytes: memory.totalBytes,
            memoryAvailableBytes: memory.availableBytes,
            swapUsedBytes: memory.swapTotalBytes > memory.swapFreeBytes
                ? memory.swapTotalBytes - memory.swapFreeBytes : 0, swapTotalBytes: memory.swapTotalBytes,
            diskReadBytesPerSecond: (disk?.readKilobytesPerSecond ?? 0) * 1024,
            diskWrittenBytesPerSecond: (disk?.writtenKilobytesPerSecond ?? 0) * 1024,
            networkReceivedBytesPerSecond: network?.receivedBytesPerSecond.perSecond ?? 0,
            networkTransmittedBytesPerSecond: network?.transmittedBytesPerSecond.perSecond ?? 0)
        var hostRow = TopRow(id: "host:host", name: "host (all)", runtime: "host", isHost: true)
        hostRow.cpuCores = summary.cpu.busyPercent / 100 * Double(cpuCount)
        hostRow.memoryWorkingSetBytes = summary.memoryUsedBytes
        hostRow.memoryLimitBytes = summary.memoryTotalBytes
        hostRow.blockReadBytesPerSecond = summary.diskReadBytesPerSecond
        hostRow.blockWrittenBytesPerSecond = summary.diskWrittenBytesPerSecond
        hostRow.networkReceivedBytesPerSecond = summary.networkReceivedBytesPerSecond
        hostRow.networkTransmittedBytesPerSecond = summary.networkTransmittedBytesPerSecond
        hostRow.pids = summary.totalTasks
        var rows = [hostRow]
        let newTime = Double(new.unixMilliseconds) / 1000
        for container in try reader.containers(from: newTime, to: newTime) where !container.key.isHost {
            let samples = try reader.read { store throws(RecordingError) in
                try store.samples(of: container.key, from: from, to: to)
            }
            guard let last = samples.last, Double(last.unixMilliseconds) / 1000 >= Double(old.unixMilliseconds) / 1000
            else { continue }
            rows.append(row(container, samples: samples, cpuCount: cpuCount))
        }
        return TopFrame(
            intervalSeconds: hostRates.intervalSeconds, unixTimeSeconds: newTime,
            hostname: "\(RecordedTime.text(newTime)) (recorded)", host: summary, rows: rows)
    }

    private func row(_ container: RecordedContainer, samples: [RecordedSample], cpuCount: Int) -> TopRow {
        var row = TopRow(id: container.key.rawValue, name: container.name, runtime: container.runtime)
        guard let new = samples.last else { return row }
        let counters = RecordedCounters.cgroup(new.values)
        row.memoryWorkingSetBytes = counters.memory?.workingSetBytes
        row.memoryLimitBytes = counters.memory?.limitBytes
        row.pids = counters.pids?.current
        guard samples.count >= 2 else { return row }
        let old = samples[samples.count - 2]
        if let rates = CgroupRates(
            old: RecordedCounters.sample(old, RecordedCounters.cgroup(old.values)),
            new: RecordedCounters.sample(new, counters), hostCPUCount: cpuCount)
        {
            row.cpuCores = rates.cpu.usageCores?.perSecond
            row.cpuPercentOfCap = rates.cpu.percentOfCap
            row.throttledPercentOfPeriods = rates.cpu.capCores == nil ? nil : rates.cpu.throttledPercentOfPeriods
            if let totals = rates.blockIOTotals {
                row.blockReadBytesPerSecond = totals.readBytesPerSecond
                row.blockWrittenBytesPerSecond = totals.writtenBytesPerSecond
                row.blockIOSource = "recorded"
            }
            let oldNetwork = RecordedCounters.host(old.values).networkDevices,
                newNetwork = RecordedCounters.host(new.values).networkDevices
            if let before = oldNetwork.first, let after = newNetwork.first,
                let calculator = RateCalculator(elapsedSeconds: rates.intervalSeconds)
            {
                let network = NetworkRates(old: before, new: after, rates: calculator)
                row.networkReceivedBytesPerSecond = network.receivedBytesPerSecond.perSecond
                row.networkTransmittedBytesPerSecond = network.transmittedBytesPerSecond.perSecond
            }
        }
        return row
    }
}
