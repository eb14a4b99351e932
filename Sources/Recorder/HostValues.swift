import LinuxHost
import Recording
import ResourceMetrics

extension RecordedValues {
    /// Sets the host's metrics from one `HostSampler` sample: /proc/stat ticks, load, memory,
    /// whole disks (partitions left out, so nothing is counted twice) and network (loopback
    /// left out), summed; PSI totals.
    mutating func setHost(_ host: HostCounters, wholeDisks: Set<String>) {
        let cpu = host.cpu.total
        set(.hostCPUUserTicks, cpu.userTicks)
        set(.hostCPUNiceTicks, cpu.niceTicks)
        set(.hostCPUSystemTicks, cpu.systemTicks)
        set(.hostCPUIdleTicks, cpu.idleTicks)
        set(.hostCPUIOWaitTicks, cpu.iowaitTicks)
        set(.hostCPUIRQTicks, cpu.irqTicks)
        set(.hostCPUSoftIRQTicks, cpu.softirqTicks)
        set(.hostCPUStealTicks, cpu.stealTicks)
        set(.hostCPUCount, UInt64(host.cpu.perCPU.count))
        // Per CPU: idle on a container's own cpuset decides "share" against "not throttled".
        for (number, times) in zip(host.cpu.cpuNumbers, host.cpu.perCPU) {
            guard let idleMetric = RecordedMetric.hostCPUIdleTicks(cpu: number),
                let busyMetric = RecordedMetric.hostCPUBusyTicks(cpu: number)
            else { continue }
            let idle = times.idleTicks &+ times.iowaitTicks
            set(idleMetric, idle)
            set(busyMetric, times.totalTicks &- min(idle, times.totalTicks))
        }
        set(.loadAverage1Milli, host.loadAverage.oneMinute, scale: 1000)
        set(.loadAverage5Milli, host.loadAverage.fiveMinutes, scale: 1000)
        set(.loadAverage15Milli, host.loadAverage.fifteenMinutes, scale: 1000)
        set(.runnableTasks, host.cpu.runnableTasks)
        set(.totalTasks, host.loadAverage.totalTasks)
        set(.hostMemoryTotalBytes, host.memory.totalBytes)
        set(.hostMemoryUsedBytes, host.memory.usedBytes)
        set(.hostMemoryAvailableBytes, host.memory.availableBytes)
        set(.hostSwapTotalBytes, host.memory.swapTotalBytes)
        set(
            .hostSwapUsedBytes, host.memory.swapTotalBytes &- min(host.memory.swapTotalBytes, host.memory.swapFreeBytes)
        )
        set(.memoryOOMKills, host.virtualMemory.oomKills)
        var disk = DiskStats(device: BlockDeviceNumber(major: 0, minor: 0), name: "")
        var inFlight: UInt64 = 0
        for device in host.disks where wholeDisks.contains(device.name) {
            disk.sectorsRead &+= device.sectorsRead
            disk.sectorsWritten &+= device.sectorsWritten
            disk.readsCompleted &+= device.readsCompleted
            disk.writesCompleted &+= device.writesCompleted
            disk.readMilliseconds &+= device.readMilliseconds
            disk.writeMilliseconds &+= device.writeMilliseconds
            disk.busyMilliseconds &+= device.busyMilliseconds
            inFlight &+= device.inFlight
        }
        set(.diskReadBytes, disk.sectorsRead &* 512)
        set(.diskWrittenBytes, disk.sectorsWritten &* 512)
        set(.diskReadOperations, disk.readsCompleted)
        set(.diskWriteOperations, disk.writesCompleted)
        set(.diskReadTimeMilliseconds, disk.readMilliseconds)
        set(.diskWriteTimeMilliseconds, disk.writeMilliseconds)
        set(.diskBusyMilliseconds, disk.busyMilliseconds)
        set(.diskInFlight, inFlight)
        var network = NetworkDeviceStats(interface: "")
        for device in host.networkDevices where device.interface != "lo" {
            network.receivedBytes &+= device.receivedBytes
            network.transmittedBytes &+= device.transmittedBytes
            network.receivedPackets &+= device.receivedPackets
            network.transmittedPackets &+= device.transmittedPackets
            network.receiveDrops &+= device.receiveDrops
            network.transmitDrops &+= device.transmitDrops
            network.receiveErrors &+= device.receiveErrors
            network.transmitErrors &+= device.transmitErrors
        }
        set(.networkReceivedBytes, network.receivedBytes)
        set(.networkTransmittedBytes, network.transmittedBytes)
        set(.networkReceivedPackets, network.receivedPackets)
        set(.networkTransmittedPackets, network.transmittedPackets)
        set(.networkReceiveDrops, network.receiveDrops)
        set(.networkTransmitDrops, network.transmitDrops)
        set(.networkReceiveErrors, network.receiveErrors)
        set(.networkTransmitErrors, network.transmitErrors)
        set(.cpuPressureSomeMicroseconds, host.cpuPressure?.some.totalMicroseconds)
        set(.memoryPressureSomeMicroseconds, host.memoryPressure?.some.totalMicroseconds)
        set(.memoryPressureFullMicroseconds, host.memoryPressure?.full?.totalMicroseconds)
        set(.ioPressureSomeMicroseconds, host.ioPressure?.some.totalMicroseconds)
        set(.ioPressureFullMicroseconds, host.ioPressure?.full?.totalMicroseconds)
    }
}
