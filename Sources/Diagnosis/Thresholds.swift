/// Every number a rule compares against, with its default and why. A user tunes them with
/// `--threshold NAME=VALUE` or a JSON file of `{"NAME": VALUE}` (docs/diagnose.md).
public struct Thresholds: Sendable, Codable, Equatable {
    // CPU bottleneck tree ("Container Performance Analysis" (DockerCon 2017) slide 49)
    /// Throttled time growing by at least this many ms per second means "throttled_time increasing".
    public var throttledMillisecondsPerSecond = 10.0
    /// Involuntary context switches per second (all threads of the container) that count as increasing.
    public var involuntarySwitchesPerSecond = 50.0
    /// ... or this many per second of CPU the container used (with at least a tenth of the
    /// rate above): a starved container rarely runs, so it is rarely preempted in absolute terms.
    public var involuntarySwitchesPerCPUSecond = 100.0
    /// The container's CPUs have idle CPU when their mean idle (idle + iowait) is at least this %;
    /// the host's CPUs too, and then host CPU PSI alone is not saturation.
    public var idleCPUPercent = 10.0
    /// A container wants CPU from this many cores of use (or with its own CPU PSI at
    /// `cpuPressurePercent`); under both it is not throttled, however often it is preempted.
    public var demandCores = 0.05
    /// Another tenant is busy (not idle) from this many cores of use.
    public var busyTenantCores = 0.1
    // Host CPU (USE, mpstat, vmstat, uptime)
    /// Host CPU utilisation (100 − idle − iowait) that is a finding.
    public var cpuUtilizationPercent = 90.0
    /// One CPU this busy while the average is under half of it: imbalance (a single-threaded bottleneck).
    public var cpuImbalancePercent = 90.0
    /// Runnable tasks per CPU (vmstat r / CPUs, Periscope's own reader excluded) that is saturation.
    public var runQueuePerCPU = 1.0
    /// PSI cpu some (share of time a task waited for a CPU) that is saturation, in %.
    public var cpuPressurePercent = 20.0
    /// CPU time taken by the hypervisor, %.
    public var stealPercent = 10.0
    /// Time CPUs sat idle with I/O outstanding, %.
    public var iowaitPercent = 20.0
    /// 1-minute load average per CPU.
    public var loadPerCPU = 2.0
    // Memory
    /// Host memory used (total − available) / total, %.
    public var memoryUsedPercent = 90.0
    /// A container's working set / its limit, %.
    public var memoryLimitPercent = 90.0
    /// Pages swapped in + out per second.
    public var swapPagesPerSecond = 1.0
    /// PSI memory some, %.
    public var memoryPressurePercent = 10.0
    // Storage
    /// Device %util (iostat); on parallel devices (NVMe, RAID) 100% is not saturation.
    public var diskUtilizationPercent = 90.0
    /// Average queue size (aqu-sz) above which a device is saturated (USE: avgqu-sz > 1).
    public var diskQueueSize = 1.0
    /// Device await (ms) that counts as high latency.
    public var awaitMilliseconds = 50.0
    /// await of the window's last third over its first third that counts as rising.
    public var awaitRiseFactor = 2.0
    /// Fall of IOPS from the first to the last third of the window, %, that counts as a collapse.
    public var iopsFallPercent = 50.0
    /// A device needs this many IOPS in the first third for the collapse rule (idle devices are noise).
    public var minimumIOPS = 5.0
    /// Time in uninterruptible sleep (D) in the window, per thread, that is a stall (ms).
    public var dStateMilliseconds = 500.0
    /// PSI io some, %.
    public var ioPressurePercent = 20.0
    /// A block I/O throttle (bps or IOPS) used to this % of its limit is saturated.
    public var throttleUtilizationPercent = 90.0
    /// Median synchronous write latency of the probe (ms) that is slow.
    public var syncWriteMilliseconds = 100.0
    // Network
    /// Interface throughput / link speed, %.
    public var networkUtilizationPercent = 80.0
    /// Interface errors per second (rx + tx).
    public var networkErrorsPerSecond = 1.0
    /// Interface drops per second (rx + tx).
    public var networkDropsPerSecond = 1.0
    /// TCP segments retransmitted / sent, %.
    public var retransmitPercent = 1.0
    /// ... and at least this many retransmits per second (a few on an idle link are noise).
    public var retransmitsPerSecond = 1.0
    // PIDs
    /// Tasks / pids.max, %.
    public var pidsLimitPercent = 90.0
    // Real-time scheduling (RT group scheduling, the Red Hat container performance posts "Using SCHED_FIFO in Docker containers")
    /// Run-queue wait of a container's RT threads (ms per second, summed) that means they are held back.
    public var rtRunQueueWaitMillisecondsPerSecond = 100.0
    /// RT CPU use on a CPU as % of the RT budget per CPU (rt_runtime_us / rt_period_us) that means the budget is spent.
    public var rtBudgetUsedPercent = 80.0
    /// One RT thread's use of a CPU, %, from which it starves the other tasks of that CPU.
    public var rtThreadCPUPercent = 50.0

    /// The defaults.
    public init() {}

    /// One tunable: its name on the command line and in JSON, and its meaning.
    public struct Key: Sendable {
        /// The kebab-case name.
        public var name: String
        /// The property it sets.
        public var keyPath: WritableKeyPath<Thresholds, Double> & Sendable
        /// What it means, with its unit.
        public var meaning: String
    }

    /// Every tunable, in documentation order.
    public static let keys: [Key] = [
        Key(name: "throttled-ms-per-second", keyPath: \.throttledMillisecondsPerSecond, meaning: "CFS throttled time growth (ms/s) that means cap throttled"),
        Key(name: "demand-cores", keyPath: \.demandCores, meaning: "cores of use from which a container wants CPU (else its own PSI cpu some >= cpu-pressure-percent)"),
        Key(name: "involuntary-switches-per-second", keyPath: \.involuntarySwitchesPerSecond, meaning: "involuntary context switches/s of a container that count as increasing"),
        Key(name: "involuntary-switches-per-cpu-second", keyPath: \.involuntarySwitchesPerCPUSecond, meaning: "involuntary switches per CPU-second used that count as increasing (starved containers)"),
        Key(name: "idle-cpu-percent", keyPath: \.idleCPUPercent, meaning: "idle % of the container's (or, for host PSI saturation, all) CPUs above which the host has idle CPU"),
        Key(name: "busy-tenant-cores", keyPath: \.busyTenantCores, meaning: "cores of use from which another tenant is busy"),
        Key(name: "cpu-utilization-percent", keyPath: \.cpuUtilizationPercent, meaning: "host CPU utilisation %"),
        Key(name: "cpu-imbalance-percent", keyPath: \.cpuImbalancePercent, meaning: "one CPU's utilisation % while the average is below half of it"),
        Key(name: "run-queue-per-cpu", keyPath: \.runQueuePerCPU, meaning: "runnable tasks per CPU (vmstat r / CPUs)"),
        Key(name: "cpu-pressure-percent", keyPath: \.cpuPressurePercent, meaning: "PSI cpu some %"),
        Key(name: "steal-percent", keyPath: \.stealPercent, meaning: "CPU steal %"),
        Key(name: "iowait-percent", keyPath: \.iowaitPercent, meaning: "CPU iowait %"),
        Key(name: "load-per-cpu", keyPath: \.loadPerCPU, meaning: "1-minute load average per CPU"),
        Key(name: "memory-used-percent", keyPath: \.memoryUsedPercent, meaning: "host memory used (total - available) %"),
        Key(name: "memory-limit-percent", keyPath: \.memoryLimitPercent, meaning: "container working set % of its limit"),
        Key(name: "swap-pages-per-second", keyPath: \.swapPagesPerSecond, meaning: "pages swapped in + out per second"),
        Key(name: "memory-pressure-percent", keyPath: \.memoryPressurePercent, meaning: "PSI memory some %"),
        Key(name: "disk-utilization-percent", keyPath: \.diskUtilizationPercent, meaning: "device %util"),
        Key(name: "disk-queue-size", keyPath: \.diskQueueSize, meaning: "device average queue size (aqu-sz)"),
        Key(name: "await-ms", keyPath: \.awaitMilliseconds, meaning: "device await (ms) that is high"),
        Key(name: "await-rise-factor", keyPath: \.awaitRiseFactor, meaning: "await last third / first third that is rising"),
        Key(name: "iops-fall-percent", keyPath: \.iopsFallPercent, meaning: "IOPS fall % from first to last third that is a collapse"),
        Key(name: "minimum-iops", keyPath: \.minimumIOPS, meaning: "IOPS a device needs in the first third for the collapse rule"),
        Key(name: "d-state-ms", keyPath: \.dStateMilliseconds, meaning: "time a thread spent in D during the window (ms) that is a stall"),
        Key(name: "io-pressure-percent", keyPath: \.ioPressurePercent, meaning: "PSI io some %"),
        Key(name: "throttle-utilization-percent", keyPath: \.throttleUtilizationPercent, meaning: "block I/O throttle use % of its limit"),
        Key(name: "sync-write-ms", keyPath: \.syncWriteMilliseconds, meaning: "median probe write latency (ms) that is slow"),
        Key(name: "network-utilization-percent", keyPath: \.networkUtilizationPercent, meaning: "interface throughput % of link speed"),
        Key(name: "network-errors-per-second", keyPath: \.networkErrorsPerSecond, meaning: "interface errors/s"),
        Key(name: "network-drops-per-second", keyPath: \.networkDropsPerSecond, meaning: "interface drops/s"),
        Key(name: "retransmit-percent", keyPath: \.retransmitPercent, meaning: "TCP retransmitted % of sent segments"),
        Key(name: "retransmits-per-second", keyPath: \.retransmitsPerSecond, meaning: "TCP retransmits/s needed with the % above"),
        Key(name: "pids-limit-percent", keyPath: \.pidsLimitPercent, meaning: "tasks % of pids.max"),
        Key(name: "rt-run-queue-wait-ms-per-second", keyPath: \.rtRunQueueWaitMillisecondsPerSecond, meaning: "run-queue wait (ms/s) of a container's RT threads that means they are held back"),
        Key(name: "rt-budget-used-percent", keyPath: \.rtBudgetUsedPercent, meaning: "RT CPU use % of the RT budget per CPU (rt_runtime_us / rt_period_us) that means it is spent"),
        Key(name: "rt-thread-cpu-percent", keyPath: \.rtThreadCPUPercent, meaning: "one RT thread's use % of a CPU from which it starves that CPU's other tasks"),
    ]

    /// A name that is not a threshold, or a value that is not a number.
    public struct InvalidSetting: Error, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    /// Sets `name` to `value`.
    public mutating func set(_ name: String, _ value: Double) throws(InvalidSetting) {
        guard let key = Self.keys.first(where: { $0.name == name }) else {
            throw InvalidSetting(description: "unknown threshold \"\(name)\" (known: \(Self.keys.map(\.name).joined(separator: ", ")))")
        }
        guard value.isFinite, value >= 0 else { throw InvalidSetting(description: "threshold \(name) must be a number >= 0, not \(value)") }
        self[keyPath: key.keyPath] = value
    }

    /// Applies `NAME=VALUE`.
    public mutating func apply(assignment: String) throws(InvalidSetting) {
        guard let equals = assignment.firstIndex(of: "="), let value = Double(assignment[assignment.index(after: equals)...]) else {
            throw InvalidSetting(description: "expected NAME=NUMBER, got \"\(assignment)\"")
        }
        try set(String(assignment[..<equals]), value)
    }
}
