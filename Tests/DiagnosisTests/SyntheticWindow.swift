import ContainerInventory
import Diagnosis
import LinuxHost
import ResourceMetrics

/// Builders of synthetic observation windows: every rule is tested on numbers chosen to sit
/// exactly at, just under or just over its threshold.
enum Synthetic {
    static let intervals = 6

    /// Host rates for one interval: every CPU `busy`% busy (or `perCPUBusy`), the rest idle.
    static func host(
        cpuCount: Int = 2, busy: Double = 20, perCPUBusy: [Double]? = nil, runnable: UInt64 = 1,
        load: Double = 0.5, memoryTotal: UInt64 = 8 << 30, memoryAvailable: UInt64 = 6 << 30
    ) -> HostRates {
        var counters = HostCounters(
            cpu: HostCPUStat(),
            loadAverage: LoadAverage(
                oneMinute: load, fiveMinutes: load, fifteenMinutes: load, runnableTasks: 1, totalTasks: 100, lastPID: 1),
            memory: MemoryInfo(), virtualMemory: VirtualMemoryStat(), disks: [], networkDevices: [], tcp: nil,
            cpuPressure: nil, memoryPressure: nil, ioPressure: nil)
        counters.memory.totalBytes = memoryTotal
        counters.memory.availableBytes = memoryAvailable
        var rates = HostRates(
            old: CounterSample(takenAt: MonotonicInstant(nanoseconds: 0), counters: counters),
            new: CounterSample(takenAt: MonotonicInstant(nanoseconds: 1_000_000_000), counters: counters))!
        let busyByCPU = perCPUBusy ?? Array(repeating: busy, count: cpuCount)
        rates.cpuCount = busyByCPU.count
        rates.perCPU = Dictionary(
            uniqueKeysWithValues: busyByCPU.enumerated().map { ($0.offset, utilization(busy: $0.element)) })
        rates.cpu = utilization(busy: busyByCPU.reduce(0, +) / Double(busyByCPU.count))
        rates.runnableTasks = runnable
        return rates
    }

    /// PSI `some` rates of `percent` stalled time over one second.
    static func pressure(_ percent: Double) -> PressureRates {
        let line = { (total: UInt64) in
            PressureStall.Line(
                average10sPercent: percent, average60sPercent: 0, average300sPercent: 0, totalMicroseconds: total)
        }
        return PressureRates(
            old: PressureStall(some: line(0)), new: PressureStall(some: line(UInt64(percent * 10_000))),
            rates: RateCalculator(elapsedSeconds: 1)!)!
    }

    static func utilization(busy: Double) -> CPUUtilization {
        var cpu = CPUUtilization()
        cpu.userPercent = busy
        cpu.idlePercent = 100 - busy
        return cpu
    }

    /// One interval of a container's cgroup rates.
    static func cgroup(
        usage: Double = 0.1, cap: Double? = nil, throttledMilliseconds: Double = 0, cpuset: [Int]? = nil,
        workingSet: UInt64? = nil, limit: UInt64? = nil
    ) -> CgroupRates {
        let sample = CounterSample(takenAt: MonotonicInstant(nanoseconds: 0), counters: CgroupCounters())
        var rates = CgroupRates(
            old: sample,
            new: CounterSample(takenAt: MonotonicInstant(nanoseconds: 1_000_000_000), counters: CgroupCounters()),
            hostCPUCount: 2)!
        rates.cpu.usageCores = CounterRate(perSecond: usage)
        rates.cpu.capCores = cap
        rates.cpu.throttledSecondsPerSecond = CounterRate(perSecond: throttledMilliseconds / 1000)
        rates.cpu.throttledPercentOfPeriods = throttledMilliseconds > 0 ? 100 : 0
        if let cpuset { rates.cpuset = CPUList(cpus: cpuset) }
        rates.memory.workingSetBytes = workingSet
        rates.memory.limitBytes = limit
        if let workingSet, let limit {
            rates.memory.workingSetPercentOfLimit = Double(workingSet) / Double(limit) * 100
        }
        return rates
    }

    static func container(
        _ name: String, usage: Double = 0.1, cap: Double? = nil, throttledMilliseconds: Double = 0,
        involuntary: Double = 0,
        cpuset: [Int]? = nil, workingSet: UInt64? = nil, limit: UInt64? = nil
    ) -> ObservedContainer {
        ObservedContainer(
            key: "docker:\(name)-id", displayName: name,
            intervals: Array(
                repeating: cgroup(
                    usage: usage, cap: cap, throttledMilliseconds: throttledMilliseconds, cpuset: cpuset,
                    workingSet: workingSet, limit: limit), count: intervals),
            contextSwitches: Array(
                repeating: ContextSwitchRates(voluntaryPerSecond: 10, involuntaryPerSecond: involuntary, tasks: 1),
                count: intervals))
    }

    static func window(
        host: HostRates = host(), containers: [ObservedContainer] = [], focus: [ContainerKey] = [],
        hostProcesses: [ProcessCPU] = [],
        dState: [DStateThread] = [], sweeps: Int = 60, kernelLog: KernelLogObservation = KernelLogObservation(),
        probe: SyncWriteProbeResult? = nil, hostSeries: [HostRates]? = nil
    ) -> ObservationWindow {
        ObservationWindow(
            viewpoint: .host, hostname: "test", durationSeconds: 6, intervalSeconds: 1,
            host: hostSeries ?? Array(repeating: host, count: intervals), hostProcesses: hostProcesses,
            containers: containers,
            focus: focus, dStateThreads: dState, dStateSweeps: sweeps, dStateSweepIntervalSeconds: 0.1,
            kernelLog: kernelLog, storageProbe: probe)
    }

    static func diagnose(_ window: ObservationWindow, _ thresholds: Thresholds = Thresholds()) -> DiagnosisReport {
        Diagnoser(thresholds: thresholds).diagnose(window)
    }
}

extension DiagnosisReport {
    func findings(_ rule: String) -> [Finding] { findings.filter { $0.rule == rule } }
    func verdict(_ container: String) -> CPUVerdict? { cpuVerdicts.first { $0.container == container } }
}
