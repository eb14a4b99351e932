/// A line of the 60-second checklist ("Container Performance Analysis" (DockerCon 2017) slide
/// 23), by its command.
package enum ChecklistCommand: String, Sendable, CaseIterable {
    case uptime = "uptime"
    case dmesg = "dmesg | tail"
    case vmstat = "vmstat 1"
    case mpstat = "mpstat -P ALL 1"
    case pidstat = "pidstat 1"
    case iostat = "iostat -xz 1"
    case free = "free -m"
    case sarDEV = "sar -n DEV 1"
    case sarTCP = "sar -n TCP,ETCP 1"
    case top = "top"
}

/// A resource of the USE table: the host's physical ones and each container's software ones.
package enum USEResource: Sendable, CaseIterable {
    case hostCPU, hostMemory, hostDisk, hostNetwork
    case containerCPUCap, containerCPUShares, containerMemoryLimit, containerPIDsLimit, containerBlockIOThrottle
}

/// A column of the USE table: what a finding says about its resource ("the USE method",
/// Brendan Gregg: utilization, saturation, errors).
package enum USEMetric: String, Sendable, Codable, CaseIterable {
    /// How busy the resource is: the share of its capacity or limit in use.
    case utilization
    /// Work that waits for it: queues, throttling, stalls, swapping.
    case saturation
    /// Failures: OOM kills, I/O and interface errors, retransmits.
    case errors
}

extension RuleID {
    /// The checklist lines a finding of this rule marks. Every rule is on a checklist line or
    /// a USE row at least (`RuleIDPlacementTests`): a finding marked nowhere is easy to miss.
    package var checklistLines: Set<ChecklistCommand> {
        switch self {
        case .hostLoad: [.uptime]
        case .hostCPUSaturation, .hostCPUIOWait, .hostCPUSteal: [.vmstat]
        case .hostMemorySwapping: [.vmstat, .free]
        case .hostCPUUtilization, .hostCPUImbalance: [.mpstat]
        // One CPU kept busy by SCHED_FIFO threads is a CPU imbalance.
        case .rtStarvingNeighbours: [.mpstat]
        case .cpuCapThrottled, .cpuShareThrottled, .cpuPhysicalThrottled, .rtBudgetThrottled: [.pidstat]
        case .hostDiskUtilization, .hostDiskSaturation, .hostIOPressure: [.iostat]
        case .storageDState, .storageLatencyCollapse, .storageIOPressure, .storageSyncWriteSlow: [.iostat]
        case .hostMemoryUtilization, .hostMemoryPressure: [.free]
        case .memoryNearLimit, .memoryLimitHits, .memorySwapping, .memoryPressure: [.free]
        case .memoryOOMKill, .memoryOOMKillBeforeWindow: [.dmesg, .free]
        case .kernelOOMKill, .kernelOOMKillBeforeWindow, .kernelHungTask, .kernelIOError, .kernelError,
            .rtThrottlingLogged:
            [.dmesg]
        case .hostNetworkUtilization, .hostNetworkErrors, .hostNetworkDrops, .networkDrops: [.sarDEV]
        case .hostTCPRetransmits, .networkRetransmits: [.sarTCP]
        // No checklist command shows a container's PIDs or block I/O limits: on the USE table only.
        case .pidsNearLimit, .blkioThrottleSaturated: []
        }
    }

    /// The USE resources a finding of this rule marks (the row of its subject: the host's, or
    /// its container's); empty when the table has no row for what it measures (TCP, the RT
    /// budget, the host's I/O pressure).
    package var useResources: Set<USEResource> {
        switch self {
        case .hostCPUUtilization, .hostCPUSaturation, .hostCPUImbalance, .hostCPUIOWait, .hostCPUSteal: [.hostCPU]
        case .hostMemoryUtilization, .hostMemorySwapping, .hostMemoryPressure, .kernelOOMKill,
            .kernelOOMKillBeforeWindow:
            [.hostMemory]
        case .hostDiskUtilization, .hostDiskSaturation, .kernelIOError, .storageSyncWriteSlow: [.hostDisk]
        case .storageDState, .storageLatencyCollapse, .storageIOPressure: [.hostDisk, .containerBlockIOThrottle]
        case .hostNetworkUtilization, .hostNetworkErrors, .hostNetworkDrops: [.hostNetwork]
        case .cpuCapThrottled: [.containerCPUCap]
        case .cpuShareThrottled, .cpuPhysicalThrottled: [.containerCPUShares]
        case .memoryOOMKill, .memoryOOMKillBeforeWindow, .memoryNearLimit, .memoryLimitHits, .memorySwapping,
            .memoryPressure:
            [.containerMemoryLimit]
        case .pidsNearLimit: [.containerPIDsLimit]
        case .blkioThrottleSaturated: [.containerBlockIOThrottle]
        case .hostLoad, .hostIOPressure, .hostTCPRetransmits, .networkRetransmits, .networkDrops, .kernelHungTask,
            .kernelError:
            []
        case .rtBudgetThrottled, .rtStarvingNeighbours, .rtThrottlingLogged: []
        }
    }

    /// The USE metric a finding of this rule reports: the cell the USE table marks on the rows
    /// of `useResources`. Rules with no USE row declare one too, so that a row added for their
    /// resource later marks the right cell.
    package var useMetric: USEMetric {
        switch self {
        case .hostCPUUtilization, .hostMemoryUtilization, .hostDiskUtilization, .hostNetworkUtilization: .utilization
        // One CPU kept busy (by anything, or by SCHED_FIFO threads) while others idle.
        case .hostCPUImbalance, .rtStarvingNeighbours: .utilization
        case .memoryNearLimit, .pidsNearLimit: .utilization
        // The throttle's limit is the capacity: IOPS or bytes/s at a floor near it is its utilisation.
        case .blkioThrottleSaturated: .utilization
        case .hostLoad, .hostCPUSaturation, .hostCPUSteal, .hostMemorySwapping, .hostMemoryPressure: .saturation
        // Idle CPUs with tasks waiting on storage: a wait, seen from the CPU.
        case .hostCPUIOWait: .saturation
        case .hostDiskSaturation, .hostIOPressure, .hostNetworkDrops, .networkDrops: .saturation
        case .cpuCapThrottled, .cpuShareThrottled, .cpuPhysicalThrottled: .saturation
        case .memoryLimitHits, .memorySwapping, .memoryPressure: .saturation
        case .storageDState, .storageLatencyCollapse, .storageIOPressure, .storageSyncWriteSlow: .saturation
        case .kernelHungTask, .rtBudgetThrottled, .rtThrottlingLogged: .saturation
        case .memoryOOMKill, .memoryOOMKillBeforeWindow, .kernelOOMKill, .kernelOOMKillBeforeWindow: .errors
        case .hostNetworkErrors, .hostTCPRetransmits, .networkRetransmits, .kernelIOError, .kernelError: .errors
        }
    }
}
