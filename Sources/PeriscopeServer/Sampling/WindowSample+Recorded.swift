import History
import LinuxHost
import Recorder
import Recording
import ResourceMetrics

extension WindowSample {
    /// The recorder's batch as the counters the exporter and the JSON API read, with the
    /// computation replay uses (`RecordedCounters`). The recorder keeps a container's network
    /// totals, not its interfaces: they come back as one interface named `all`.
    init(recorded batch: RecordingBatch, facts: [String: TrackedContainerFacts]) {
        var hostCPUCount = 1
        var containers: [WindowSample.Container] = []
        containers.reserveCapacity(batch.samples.count)
        for entry in batch.samples {
            if entry.container.isHost {
                hostCPUCount = Int(entry.values[.hostCPUCount] ?? 1)
                continue
            }
            let key = entry.container.rawValue
            let known = facts[key]
            let values = entry.values
            var network: [NetworkDeviceStats] = []
            if let received = values[.networkReceivedBytes] {
                var all = NetworkDeviceStats(interface: "all")
                all.receivedBytes = UInt64(clamping: received)
                all.transmittedBytes = UInt64(clamping: values[.networkTransmittedBytes] ?? 0)
                all.receivedPackets = UInt64(clamping: values[.networkReceivedPackets] ?? 0)
                all.transmittedPackets = UInt64(clamping: values[.networkTransmittedPackets] ?? 0)
                all.receiveDrops = UInt64(clamping: values[.networkReceiveDrops] ?? 0)
                all.transmitDrops = UInt64(clamping: values[.networkTransmitDrops] ?? 0)
                all.receiveErrors = UInt64(clamping: values[.networkReceiveErrors] ?? 0)
                all.transmitErrors = UInt64(clamping: values[.networkTransmitErrors] ?? 0)
                network.append(all)
            }
            containers.append(
                WindowSample.Container(
                    key: key, displayName: known?.name ?? key, runtime: known?.runtime ?? entry.container.runtime,
                    cgroupPath: known?.cgroupPath, processCount: Int(values[.processes] ?? values[.pids] ?? 0),
                    counters: RecordedCounters.cgroup(values), network: network,
                    sharesHostNetwork: known?.sharesHostNetwork ?? false,
                    averageDStateThreads: Double(values[.dStateThreadsMilli] ?? 0) / 1000))
        }
        self.init(
            takenAt: MonotonicInstant(nanoseconds: UInt64(max(batch.unixMilliseconds, 0)) &* 1_000_000),
            unixTimeSeconds: Double(batch.unixMilliseconds) / 1000, hostCPUCount: hostCPUCount,
            containers: containers)
    }
}
