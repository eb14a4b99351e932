#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

extension TopHostSummary {
    /// The header from two host samples. Disk totals count whole physical disks only and
    /// network totals physical interfaces only: a partition's I/O is already in its disk's,
    /// device-mapper and md devices repeat their members', and a container's packets cross
    /// its veth, the bridge and the uplink, so summing everything would count them three times.
    init(_ rates: HostRates, devices: TopDeviceClassifier) {
        let memory = rates.memory
        let disks = rates.disks.filter { devices.isWholeDisk($0.name) }
        let interfaces = devices.uplinks(rates.networkDevices.map(\.interface))
        let counted = rates.networkDevices.filter { interfaces.contains($0.interface) }
        self.init(
            loadAverages: [
                rates.loadAverage.oneMinute, rates.loadAverage.fiveMinutes, rates.loadAverage.fifteenMinutes
            ],
            runnableTasks: rates.loadAverage.runnableTasks, totalTasks: rates.loadAverage.totalTasks,
            cpuCount: rates.cpuCount, cpu: rates.cpu,
            memoryUsedBytes: memory.usedBytes, memoryTotalBytes: memory.totalBytes,
            memoryAvailableBytes: memory.availableBytes,
            swapUsedBytes: memory.swapTotalBytes > memory.swapFreeBytes
                ? memory.swapTotalBytes - memory.swapFreeBytes : 0,
            swapTotalBytes: memory.swapTotalBytes,
            diskReadBytesPerSecond: disks.reduce(0) { $0 + $1.readKilobytesPerSecond * 1024 },
            diskWrittenBytesPerSecond: disks.reduce(0) { $0 + $1.writtenKilobytesPerSecond * 1024 },
            networkReceivedBytesPerSecond: counted.reduce(0) { $0 + $1.receivedBytesPerSecond.perSecond },
            networkTransmittedBytesPerSecond: counted.reduce(0) { $0 + $1.transmittedBytesPerSecond.perSecond })
    }
}

/// Which block devices and interfaces the host header sums, decided once per name from /sys.
final class TopDeviceClassifier {
    private let sysRoot: String
    private var wholeDisks: [String: Bool] = [:]
    private var isPhysicalByName: [String: Bool] = [:]

    init(sysRoot: String = "/sys") { self.sysRoot = sysRoot }

    /// A disk, not a partition (partitions are absent from /sys/block) nor a virtual device
    /// stacked on disks or memory.
    func isWholeDisk(_ name: String) -> Bool {
        if let known = wholeDisks[name] { return known }
        let stacked = ["loop", "ram", "zram", "dm-", "md", "nbd"].contains { name.hasPrefix($0) }
        let result = !stacked && access(sysRoot + "/block/" + name, F_OK) == 0
        wholeDisks[name] = result
        return result
    }

    /// The host's interfaces backed by a device, listed from /sys/class/net; nil when there
    /// are none (then `uplinks` sums every interface of /proc/net/dev but loopback).
    func physicalInterfaces() -> [String]? {
        guard let names = DirectoryEntries.names(in: sysRoot + "/class/net") else { return nil }
        let physical = names.filter { !$0.hasPrefix(".") && isPhysical($0) }.sorted()
        return physical.isEmpty ? nil : physical
    }

    /// The interfaces backed by a device (`/sys/class/net/NAME/device`); all but loopback
    /// when there are none (inside a container, or a VM whose NICs lack the link).
    func uplinks(_ names: [String]) -> Set<String> {
        let physical = names.filter(isPhysical)
        return Set(physical.isEmpty ? names.filter { $0 != "lo" } : physical)
    }

    private func isPhysical(_ name: String) -> Bool {
        if let known = isPhysicalByName[name] { return known }
        let result = access(sysRoot + "/class/net/" + name + "/device", F_OK) == 0
        // Every container's veth passes by: forget them all now and then, not keep each forever.
        if isPhysicalByName.count >= 8192 { isPhysicalByName.removeAll(keepingCapacity: true) }
        isPhysicalByName[name] = result
        return result
    }
}
