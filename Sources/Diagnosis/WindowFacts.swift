import ContainerInventory
import ResourceMetrics
import Reporting

/// Read-only helpers over an observation window that the rules share: series of host and
/// container metrics, CPU sets, names.
struct WindowFacts {
    let window: ObservationWindow
    let thresholds: Thresholds

    init(window: ObservationWindow, thresholds: Thresholds) {
        self.window = window
        self.thresholds = thresholds
    }

    /// Online CPUs (from the last host sample).
    var cpuCount: Int { max(1, window.host.last?.cpuCount ?? 1) }

    /// All CPU numbers seen.
    var allCPUs: [Int] { window.host.last.map { $0.perCPU.keys.sorted() } ?? [] }

    /// A host metric over the intervals.
    func host(_ metric: (HostRates) -> Double) -> Series { Series(window.host.map(metric)) }

    /// A container metric over its intervals (missing values skipped).
    func series(_ container: ObservedContainer, _ metric: (CgroupRates) -> Double?) -> Series {
        Series(container.intervals.compactMap(metric))
    }

    /// Containers with at least one interval of rates.
    var sampledContainers: [ObservedContainer] { window.containers.filter { !$0.intervals.isEmpty } }

    /// True when the user named no container, or named this one.
    func isFocused(_ key: ContainerKey) -> Bool { window.focus.isEmpty || window.focus.contains(key) }

    /// The CPUs a container may run on; all CPUs when its cpuset is unknown.
    func cpus(of container: ObservedContainer) -> [Int] {
        let all = allCPUs
        guard let cpuset = container.intervals.last?.cpuset?.cpus, !cpuset.isEmpty else { return all }
        let allowed = cpuset.filter { all.isEmpty || all.contains($0) }
        return allowed.isEmpty ? all : allowed
    }

    /// Mean idle % (idle + iowait: a CPU waiting for I/O could run something) over `cpus`, per interval.
    func idlePercent(on cpus: [Int]) -> Series {
        Series(
            window.host.map { rates in
                let rows = cpus.compactMap { rates.perCPU[$0] }
                guard !rows.isEmpty else { return rates.cpu.idlePercent + rates.cpu.iowaitPercent }
                return rows.reduce(0) { $0 + $1.idlePercent + $1.iowaitPercent } / Double(rows.count)
            })
    }

    /// Busy cores on `cpus`, per interval.
    func busyCores(on cpus: [Int]) -> Series {
        Series(
            window.host.map { rates in
                let rows = cpus.compactMap { rates.perCPU[$0] }
                guard !rows.isEmpty else { return rates.cpu.busyPercent / 100 * Double(rates.cpuCount) }
                return rows.reduce(0) { $0 + $1.busyPercent } / 100
            })
    }

    /// One device's iostat columns over the window (zero in intervals where it is missing).
    struct DeviceSeries {
        var iops: Series
        var utilizationPercent: Series
        var queueSize: Series
        /// Mean of r_await and w_await weighted by their requests.
        var awaitMilliseconds: Series
    }

    func disk(_ name: String) -> DeviceSeries {
        let rows = window.host.map { $0.disks.first { $0.name == name } }
        return DeviceSeries(
            iops: Series(rows.map { ($0?.readsPerSecond ?? 0) + ($0?.writesPerSecond ?? 0) }),
            utilizationPercent: Series(rows.map { $0?.utilizationPercent ?? 0 }),
            queueSize: Series(rows.map { $0?.averageQueueSize ?? 0 }),
            awaitMilliseconds: Series(
                rows.map { row in
                    guard let row else { return 0 }
                    let ops = row.readsPerSecond + row.writesPerSecond
                    return ops > 0
                        ? (row.readAwaitMilliseconds * row.readsPerSecond + row.writeAwaitMilliseconds
                            * row.writesPerSecond) / ops : 0
                }))
    }

    /// One interface's sar -n DEV/EDEV columns over the window.
    struct InterfaceSeries {
        var receivedBytes: Series
        var transmittedBytes: Series
        var errors: Series
        var drops: Series
    }

    func interface(_ name: String) -> InterfaceSeries {
        let rows = window.host.map { $0.networkDevices.first { $0.interface == name } }
        return InterfaceSeries(
            receivedBytes: Series(rows.map { $0?.receivedBytesPerSecond.perSecond ?? 0 }),
            transmittedBytes: Series(rows.map { $0?.transmittedBytesPerSecond.perSecond ?? 0 }),
            errors: Series(
                rows.map { ($0?.receiveErrorsPerSecond.perSecond ?? 0) + ($0?.transmitErrorsPerSecond.perSecond ?? 0) }),
            drops: Series(
                rows.map { ($0?.receiveDropsPerSecond.perSecond ?? 0) + ($0?.transmitDropsPerSecond.perSecond ?? 0) }))
    }

    /// The host's interfaces, loopback left out.
    var interfaceNames: [String] {
        Set(window.host.flatMap { $0.networkDevices.map(\.interface) }).filter { $0 != "lo" }.sorted()
    }

    /// Mean CPU use of a container, in cores.
    func usageCores(_ container: ObservedContainer) -> Double {
        series(container) { $0.cpu.usageCores?.perSecond }.mean
    }

    /// "host processes (cc1 0.8, make 0.1)": the host's busiest processes.
    func hostProcessesName() -> String {
        // A saved window may list tied processes in any order: busiest, then by name and pid.
        let busiest = window.hostProcesses.sorted { ($0.cores, $1.comm, $1.pid) > ($1.cores, $0.comm, $0.pid) }
        let names = busiest.prefix(3).map { "\($0.comm) \(fixed($0.cores, 2))" }
        return names.isEmpty ? "host processes" : "host processes (\(names.joined(separator: ", ")))"
    }

    /// The periscope command argument for a container: its name when it has one.
    func argument(_ container: ObservedContainer) -> String {
        let name = container.displayName
        guard name.contains(":") || name.contains(" ") || name.hasPrefix("(") else { return name }
        return String(container.key.id.prefix(12))
    }
}

/// `lhs + rhs`, or `UInt64.max` when the sum does not fit (counters read from a saved window).
func saturatingSum(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
    let (sum, overflowed) = lhs.addingReportingOverflow(rhs)
    return overflowed ? .max : sum
}
