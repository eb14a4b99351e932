/// Every threshold `periscope diagnose` compares against, each declared once: its name on the
/// command line and in `--thresholds-file`, its default, unit and meaning, and (through the
/// property's key path) where rules read it. `Thresholds` holds the values; docs/diagnose.md
/// lists them (`ThresholdsDocumentationTests` checks every name is there).
package struct ThresholdCatalog: Sendable {
    // CPU bottleneck tree ("Container Performance Analysis" (DockerCon 2017) slide 49)
    /// Throttled time growing by at least this many ms per second means "throttled_time increasing".
    package let throttledMillisecondsPerSecond = ThresholdSpec(
        "throttled-ms-per-second", 10.0, "ms/s", "CFS throttled time growth (ms/s) that means cap throttled")
    /// A container wants CPU from this many cores of use (or with its own CPU PSI at
    /// `cpuPressurePercent`); under both it is not throttled, however often it is preempted.
    package let demandCores = ThresholdSpec(
        "demand-cores", 0.05, "cores",
        "cores of use from which a container wants CPU (else its own PSI cpu some >= cpu-pressure-percent)")
    /// Involuntary context switches per second (all threads of the container) that count as increasing.
    package let involuntarySwitchesPerSecond = ThresholdSpec(
        "involuntary-switches-per-second", 50.0, "/s",
        "involuntary context switches/s of a container that count as increasing")
    /// ... or this many per second of CPU the container used (with at least a tenth of the
    /// rate above): a starved container rarely runs, so it is rarely preempted in absolute terms.
    package let involuntarySwitchesPerCPUSecond = ThresholdSpec(
        "involuntary-switches-per-cpu-second", 100.0, "/CPU-s",
        "involuntary switches per CPU-second used that count as increasing (starved containers)")
    /// The container's CPUs have idle CPU when their mean idle (idle + iowait) is at least this %;
    /// the host's CPUs too, and then host CPU PSI alone is not saturation.
    package let idleCPUPercent = ThresholdSpec(
        "idle-cpu-percent", 10.0, "%",
        "idle % of the container's (or, for host PSI saturation, all) CPUs above which the host has idle CPU")
    /// Another tenant is busy (not idle) from this many cores of use.
    package let busyTenantCores = ThresholdSpec(
        "busy-tenant-cores", 0.1, "cores", "cores of use from which another tenant is busy")
    // Host CPU (USE, mpstat, vmstat, uptime)
    /// Host CPU utilisation (100 − idle − iowait) that is a finding.
    package let cpuUtilizationPercent = ThresholdSpec("cpu-utilization-percent", 90.0, "%", "host CPU utilisation %")
    /// One CPU this busy while the average is under half of it: imbalance (a single-threaded bottleneck).
    package let cpuImbalancePercent = ThresholdSpec(
        "cpu-imbalance-percent", 90.0, "%", "one CPU's utilisation % while the average is below half of it")
    /// Runnable tasks per CPU (vmstat r / CPUs, Periscope's own reader excluded) that is saturation.
    package let runQueuePerCPU = ThresholdSpec(
        "run-queue-per-cpu", 1.0, "tasks/CPU", "runnable tasks per CPU (vmstat r / CPUs)")
    /// PSI cpu some (share of time a task waited for a CPU) that is saturation, in %.
    package let cpuPressurePercent = ThresholdSpec("cpu-pressure-percent", 20.0, "%", "PSI cpu some %")
    /// CPU time taken by the hypervisor, %.
    package let stealPercent = ThresholdSpec("steal-percent", 10.0, "%", "CPU steal %")
    /// Time CPUs sat idle with I/O outstanding, %.
    package let iowaitPercent = ThresholdSpec("iowait-percent", 20.0, "%", "CPU iowait %")
    /// 1-minute load average per CPU.
    package let loadPerCPU = ThresholdSpec("load-per-cpu", 2.0, "load/CPU", "1-minute load average per CPU")
    // Memory
    /// Host memory used (total − available) / total, %.
    package let memoryUsedPercent = ThresholdSpec(
        "memory-used-percent", 90.0, "%", "host memory used (total - available) %")
    /// A container's working set / its limit, %.
    package let memoryLimitPercent = ThresholdSpec(
        "memory-limit-percent", 90.0, "%", "container working set % of its limit")
    /// Pages swapped in + out per second.
    package let swapPagesPerSecond = ThresholdSpec(
        "swap-pages-per-second", 1.0, "pages/s", "pages swapped in + out per second")
    /// PSI memory some, %.
    package let memoryPressurePercent = ThresholdSpec("memory-pressure-percent", 10.0, "%", "PSI memory some %")
    // Storage
    /// Device %util (iostat); on parallel devices (NVMe, RAID) 100% is not saturation.
    package let diskUtilizationPercent = ThresholdSpec("disk-utilization-percent", 90.0, "%", "device %util")
    /// Average queue size (aqu-sz) above which a device is saturated (USE: avgqu-sz > 1).
    package let diskQueueSize = ThresholdSpec("disk-queue-size", 1.0, "requests", "device average queue size (aqu-sz)")
    /// Device await (ms) that counts as high latency.
    package let awaitMilliseconds = ThresholdSpec("await-ms", 50.0, "ms", "device await (ms) that is high")
    /// await of the window's last third over its first third that counts as rising.
    package let awaitRiseFactor = ThresholdSpec(
        "await-rise-factor", 2.0, "×", "await last third / first third that is rising")
    /// Fall of IOPS from the first to the last third of the window, %, that counts as a collapse.
    package let iopsFallPercent = ThresholdSpec(
        "iops-fall-percent", 50.0, "%", "IOPS fall % from first to last third that is a collapse")
    /// A device needs this many IOPS in the first third for the collapse rule (idle devices are noise).
    package let minimumIOPS = ThresholdSpec(
        "minimum-iops", 5.0, "IOPS", "IOPS a device needs in the first third for the collapse rule")
    /// Time in uninterruptible sleep (D) in the window, per thread, that is a stall (ms).
    package let dStateMilliseconds = ThresholdSpec(
        "d-state-ms", 500.0, "ms", "time a thread spent in D during the window (ms) that is a stall")
    /// PSI io some, %.
    package let ioPressurePercent = ThresholdSpec("io-pressure-percent", 20.0, "%", "PSI io some %")
    /// A block I/O throttle (bps or IOPS) used to this % of its limit is saturated.
    package let throttleUtilizationPercent = ThresholdSpec(
        "throttle-utilization-percent", 90.0, "%", "block I/O throttle use % of its limit")
    /// Median synchronous write latency of the probe (ms) that is slow.
    package let syncWriteMilliseconds = ThresholdSpec(
        "sync-write-ms", 100.0, "ms", "median probe write latency (ms) that is slow")
    // Network
    /// Interface throughput / link speed, %.
    package let networkUtilizationPercent = ThresholdSpec(
        "network-utilization-percent", 80.0, "%", "interface throughput % of link speed")
    /// Interface errors per second (rx + tx).
    package let networkErrorsPerSecond = ThresholdSpec("network-errors-per-second", 1.0, "/s", "interface errors/s")
    /// Interface drops per second (rx + tx).
    package let networkDropsPerSecond = ThresholdSpec("network-drops-per-second", 1.0, "/s", "interface drops/s")
    /// TCP segments retransmitted / sent, %.
    package let retransmitPercent = ThresholdSpec(
        "retransmit-percent", 1.0, "%", "TCP retransmitted % of sent segments")
    /// ... and at least this many retransmits per second (a few on an idle link are noise).
    package let retransmitsPerSecond = ThresholdSpec(
        "retransmits-per-second", 1.0, "/s", "TCP retransmits/s needed with the % above")
    // PIDs
    /// Tasks / pids.max, %.
    package let pidsLimitPercent = ThresholdSpec("pids-limit-percent", 90.0, "%", "tasks % of pids.max")
    // Real-time scheduling (RT group scheduling, the Red Hat container performance posts "Using SCHED_FIFO in Docker containers")
    /// Run-queue wait of a container's RT threads (ms per second, summed) that means they are held back.
    package let rtRunQueueWaitMillisecondsPerSecond = ThresholdSpec(
        "rt-run-queue-wait-ms-per-second", 100.0, "ms/s",
        "run-queue wait (ms/s) of a container's RT threads that means they are held back")
    /// RT CPU use on a CPU as % of the RT budget per CPU (rt_runtime_us / rt_period_us) that means the budget is spent.
    package let rtBudgetUsedPercent = ThresholdSpec(
        "rt-budget-used-percent", 80.0, "%",
        "RT CPU use % of the RT budget per CPU (rt_runtime_us / rt_period_us) that means it is spent")
    /// One RT thread's use of a CPU, %, from which it starves the other tasks of that CPU.
    package let rtThreadCPUPercent = ThresholdSpec(
        "rt-thread-cpu-percent", 50.0, "%",
        "one RT thread's use % of a CPU from which it starves that CPU's other tasks")

    /// The one catalog.
    package static let shared = ThresholdCatalog()

    /// Every threshold, in documentation order (the declarations' order).
    package static let all: [ThresholdSpec] = Mirror(reflecting: shared).children.compactMap { child in
        guard var spec = child.value as? ThresholdSpec, let property = child.label else { return nil }
        spec.property = property
        return spec
    }
}

/// One threshold's declaration.
package struct ThresholdSpec: Sendable, Hashable {
    /// The kebab-case name (`--threshold NAME=VALUE`).
    package var name: String
    package var defaultValue: Double
    /// The unit of its value ("ms/s", "%", "cores").
    package var unit: String
    /// What it means, with its unit, as `--list-thresholds` prints it.
    package var meaning: String
    /// The Swift property that declares it: its key in the JSON of `Thresholds`.
    package internal(set) var property = ""

    init(_ name: String, _ defaultValue: Double, _ unit: String, _ meaning: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.unit = unit
        self.meaning = meaning
    }
}
