/// Every metric the store names. Numbers are on disk: append, never renumber or reuse.
extension RecordedMetric {
    private static func define(
        _ rawValue: UInt16, _ name: String, _ kind: Kind, _ unit: String, _ summary: String
    ) -> Definition {
        Definition(metric: RecordedMetric(rawValue: rawValue), name: name, kind: kind, unit: unit, summary: summary)
    }

    // Cgroup CPU (cpuacct.usage / cpu.stat usage_usec), microseconds: nanoseconds are noise at 1 s.
    public static let cpuUsageMicroseconds = RecordedMetric(rawValue: 1)
    public static let cpuUserMicroseconds = RecordedMetric(rawValue: 2)
    public static let cpuSystemMicroseconds = RecordedMetric(rawValue: 3)
    public static let cpuPeriods = RecordedMetric(rawValue: 4)
    public static let cpuThrottledPeriods = RecordedMetric(rawValue: 5)
    public static let cpuThrottledMicroseconds = RecordedMetric(rawValue: 6)
    public static let cpuQuotaMicroseconds = RecordedMetric(rawValue: 7)
    public static let cpuPeriodMicroseconds = RecordedMetric(rawValue: 8)
    public static let cpuShares = RecordedMetric(rawValue: 9)
    public static let cpuWeight = RecordedMetric(rawValue: 10)
    // Memory.
    public static let memoryUsageBytes = RecordedMetric(rawValue: 11)
    public static let memoryWorkingSetBytes = RecordedMetric(rawValue: 12)
    public static let memoryLimitBytes = RecordedMetric(rawValue: 13)
    public static let memorySwapBytes = RecordedMetric(rawValue: 14)
    public static let memoryRSSBytes = RecordedMetric(rawValue: 15)
    public static let memoryCacheBytes = RecordedMetric(rawValue: 16)
    public static let memoryLimitHits = RecordedMetric(rawValue: 17)
    public static let memoryOOMEvents = RecordedMetric(rawValue: 18)
    public static let memoryOOMKills = RecordedMetric(rawValue: 19)
    // Block I/O, every device summed.
    public static let blockReadBytes = RecordedMetric(rawValue: 20)
    public static let blockWrittenBytes = RecordedMetric(rawValue: 21)
    public static let blockReadOperations = RecordedMetric(rawValue: 22)
    public static let blockWriteOperations = RecordedMetric(rawValue: 23)
    // Network of the container's namespace (or the host's), loopback left out, interfaces summed.
    public static let networkReceivedBytes = RecordedMetric(rawValue: 24)
    public static let networkTransmittedBytes = RecordedMetric(rawValue: 25)
    public static let networkReceivedPackets = RecordedMetric(rawValue: 26)
    public static let networkTransmittedPackets = RecordedMetric(rawValue: 27)
    public static let networkReceiveDrops = RecordedMetric(rawValue: 28)
    public static let networkTransmitDrops = RecordedMetric(rawValue: 29)
    public static let networkReceiveErrors = RecordedMetric(rawValue: 30)
    public static let networkTransmitErrors = RecordedMetric(rawValue: 31)
    // Tasks.
    public static let pids = RecordedMetric(rawValue: 32)
    public static let pidsLimit = RecordedMetric(rawValue: 33)
    // PSI totals (`total=` of the some and full lines), microseconds.
    public static let cpuPressureSomeMicroseconds = RecordedMetric(rawValue: 34)
    public static let cpuPressureFullMicroseconds = RecordedMetric(rawValue: 35)
    public static let memoryPressureSomeMicroseconds = RecordedMetric(rawValue: 36)
    public static let memoryPressureFullMicroseconds = RecordedMetric(rawValue: 37)
    public static let ioPressureSomeMicroseconds = RecordedMetric(rawValue: 38)
    public static let ioPressureFullMicroseconds = RecordedMetric(rawValue: 39)
    // Threads and scheduling.
    public static let dStateThreadsMilli = RecordedMetric(rawValue: 40)
    public static let realtimeThreads = RecordedMetric(rawValue: 41)
    public static let realtimeCPUMicroseconds = RecordedMetric(rawValue: 42)
    public static let voluntaryContextSwitches = RecordedMetric(rawValue: 43)
    public static let involuntaryContextSwitches = RecordedMetric(rawValue: 44)
    public static let processes = RecordedMetric(rawValue: 45)
    public static let realtimeRuntimeMicroseconds = RecordedMetric(rawValue: 46)
    // The host: /proc/stat all-CPU line in USER_HZ ticks.
    public static let hostCPUUserTicks = RecordedMetric(rawValue: 60)
    public static let hostCPUNiceTicks = RecordedMetric(rawValue: 61)
    public static let hostCPUSystemTicks = RecordedMetric(rawValue: 62)
    public static let hostCPUIdleTicks = RecordedMetric(rawValue: 63)
    public static let hostCPUIOWaitTicks = RecordedMetric(rawValue: 64)
    public static let hostCPUIRQTicks = RecordedMetric(rawValue: 65)
    public static let hostCPUSoftIRQTicks = RecordedMetric(rawValue: 66)
    public static let hostCPUStealTicks = RecordedMetric(rawValue: 67)
    public static let loadAverage1Milli = RecordedMetric(rawValue: 68)
    public static let loadAverage5Milli = RecordedMetric(rawValue: 69)
    public static let loadAverage15Milli = RecordedMetric(rawValue: 70)
    public static let runnableTasks = RecordedMetric(rawValue: 71)
    public static let totalTasks = RecordedMetric(rawValue: 72)
    public static let hostMemoryUsedBytes = RecordedMetric(rawValue: 73)
    public static let hostMemoryTotalBytes = RecordedMetric(rawValue: 74)
    public static let hostMemoryAvailableBytes = RecordedMetric(rawValue: 75)
    public static let hostSwapUsedBytes = RecordedMetric(rawValue: 76)
    public static let hostSwapTotalBytes = RecordedMetric(rawValue: 77)
    // Whole disks from /proc/diskstats, summed.
    public static let diskReadBytes = RecordedMetric(rawValue: 78)
    public static let diskWrittenBytes = RecordedMetric(rawValue: 79)
    public static let diskReadOperations = RecordedMetric(rawValue: 80)
    public static let diskWriteOperations = RecordedMetric(rawValue: 81)
    public static let diskReadTimeMilliseconds = RecordedMetric(rawValue: 82)
    public static let diskWriteTimeMilliseconds = RecordedMetric(rawValue: 83)
    public static let diskBusyMilliseconds = RecordedMetric(rawValue: 84)
    public static let diskInFlight = RecordedMetric(rawValue: 85)
    // The runtime and the recorder.
    public static let runtimeAPILatencyMicroseconds = RecordedMetric(rawValue: 86)
    public static let hostCPUCount = RecordedMetric(rawValue: 87)
    public static let kernelLogErrors = RecordedMetric(rawValue: 88)
    public static let containersRunning = RecordedMetric(rawValue: 89)
    /// The CPUs a container may run on (`cpuset.cpus`) as a bit mask of CPUs 0-62; absent when
    /// unknown or when it names a CPU above 62 (then every CPU is assumed).
    public static let cpusetMask = RecordedMetric(rawValue: 90)

    /// Per-CPU times, for the rules that judge idle CPU on a container's own cpuset: CPU `cpu`
    /// (0-1023) idle (idle + iowait: a CPU waiting for I/O could run something) and busy
    /// (every other tick) in USER_HZ ticks, at 1024 + 2 × cpu and the number after it.
    public static func hostCPUIdleTicks(cpu: Int) -> RecordedMetric? {
        perCPURange.contains(cpu) ? RecordedMetric(rawValue: UInt16(1024 + 2 * cpu)) : nil
    }

    /// Busy ticks of CPU `cpu` (see `hostCPUIdleTicks(cpu:)`).
    public static func hostCPUBusyTicks(cpu: Int) -> RecordedMetric? {
        perCPURange.contains(cpu) ? RecordedMetric(rawValue: UInt16(1025 + 2 * cpu)) : nil
    }

    /// The CPUs whose times have numbers.
    public static let perCPURange = 0..<1024

    /// Every named metric, in number order.
    public static let catalog: [Definition] =
        [
            define(1, "cpuUsageMicroseconds", .counter, "µs", "CPU time used (cpuacct.usage, cpu.stat usage_usec)"),
            define(2, "cpuUserMicroseconds", .counter, "µs", "CPU time in user mode"),
            define(3, "cpuSystemMicroseconds", .counter, "µs", "CPU time in the kernel"),
            define(4, "cpuPeriods", .counter, "periods", "CFS enforcement periods elapsed (cpu.stat nr_periods)"),
            define(5, "cpuThrottledPeriods", .counter, "periods", "periods in which the quota ran out (nr_throttled)"),
            define(6, "cpuThrottledMicroseconds", .counter, "µs", "time runnable but throttled (throttled_time)"),
            define(7, "cpuQuotaMicroseconds", .limit, "µs", "CFS quota per period; absent when uncapped"),
            define(8, "cpuPeriodMicroseconds", .limit, "µs", "CFS period"),
            define(9, "cpuShares", .limit, "shares", "v1 cpu.shares"),
            define(10, "cpuWeight", .limit, "weight", "v2 cpu.weight"),
            define(11, "memoryUsageBytes", .gauge, "bytes", "memory charged to the cgroup"),
            define(
                12, "memoryWorkingSetBytes", .gauge, "bytes", "usage minus inactive file cache, as docker stats shows"),
            define(13, "memoryLimitBytes", .limit, "bytes", "memory limit; absent when unlimited"),
            define(14, "memorySwapBytes", .gauge, "bytes", "swap used"),
            define(15, "memoryRSSBytes", .gauge, "bytes", "anonymous memory (memory.stat rss / anon)"),
            define(16, "memoryCacheBytes", .gauge, "bytes", "page cache (memory.stat cache / file)"),
            define(17, "memoryLimitHits", .counter, "hits", "times usage hit the limit (v1 failcnt, v2 max events)"),
            define(18, "memoryOOMEvents", .counter, "events", "OOM situations"),
            define(19, "memoryOOMKills", .counter, "kills", "processes killed by the OOM killer"),
            define(20, "blockReadBytes", .counter, "bytes", "bytes read from block devices"),
            define(21, "blockWrittenBytes", .counter, "bytes", "bytes written to block devices"),
            define(22, "blockReadOperations", .counter, "ops", "read requests"),
            define(23, "blockWriteOperations", .counter, "ops", "write requests"),
            define(24, "networkReceivedBytes", .counter, "bytes", "bytes received"),
            define(25, "networkTransmittedBytes", .counter, "bytes", "bytes sent"),
            define(26, "networkReceivedPackets", .counter, "packets", "packets received"),
            define(27, "networkTransmittedPackets", .counter, "packets", "packets sent"),
            define(28, "networkReceiveDrops", .counter, "packets", "received packets dropped"),
            define(29, "networkTransmitDrops", .counter, "packets", "sent packets dropped"),
            define(30, "networkReceiveErrors", .counter, "errors", "receive errors"),
            define(31, "networkTransmitErrors", .counter, "errors", "transmit errors"),
            define(32, "pids", .gauge, "tasks", "tasks in the cgroup (pids.current)"),
            define(33, "pidsLimit", .limit, "tasks", "pids.max; absent when unlimited"),
            define(34, "cpuPressureSomeMicroseconds", .counter, "µs", "PSI cpu some total"),
            define(35, "cpuPressureFullMicroseconds", .counter, "µs", "PSI cpu full total"),
            define(36, "memoryPressureSomeMicroseconds", .counter, "µs", "PSI memory some total"),
            define(37, "memoryPressureFullMicroseconds", .counter, "µs", "PSI memory full total"),
            define(38, "ioPressureSomeMicroseconds", .counter, "µs", "PSI io some total"),
            define(39, "ioPressureFullMicroseconds", .counter, "µs", "PSI io full total"),
            define(
                40, "dStateThreadsMilli", .gauge, "1/1000 thread",
                "threads in uninterruptible sleep, averaged over the interval's sweeps"),
            define(41, "realtimeThreads", .gauge, "threads", "SCHED_FIFO/SCHED_RR threads"),
            define(42, "realtimeCPUMicroseconds", .counter, "µs", "CPU time of the real-time threads"),
            define(43, "voluntaryContextSwitches", .counter, "switches", "voluntary context switches of all threads"),
            define(
                44, "involuntaryContextSwitches", .counter, "switches", "involuntary context switches of all threads"),
            define(45, "processes", .gauge, "processes", "processes in the container"),
            define(46, "realtimeRuntimeMicroseconds", .limit, "µs", "v1 cpu.rt_runtime_us budget"),
            define(60, "hostCPUUserTicks", .counter, "ticks", "/proc/stat user"),
            define(61, "hostCPUNiceTicks", .counter, "ticks", "/proc/stat nice"),
            define(62, "hostCPUSystemTicks", .counter, "ticks", "/proc/stat system"),
            define(63, "hostCPUIdleTicks", .counter, "ticks", "/proc/stat idle"),
            define(64, "hostCPUIOWaitTicks", .counter, "ticks", "/proc/stat iowait"),
            define(65, "hostCPUIRQTicks", .counter, "ticks", "/proc/stat irq"),
            define(66, "hostCPUSoftIRQTicks", .counter, "ticks", "/proc/stat softirq"),
            define(67, "hostCPUStealTicks", .counter, "ticks", "/proc/stat steal"),
            define(68, "loadAverage1Milli", .gauge, "1/1000", "1-minute load average"),
            define(69, "loadAverage5Milli", .gauge, "1/1000", "5-minute load average"),
            define(70, "loadAverage15Milli", .gauge, "1/1000", "15-minute load average"),
            define(71, "runnableTasks", .gauge, "tasks", "runnable tasks (/proc/loadavg)"),
            define(72, "totalTasks", .gauge, "tasks", "threads that exist"),
            define(73, "hostMemoryUsedBytes", .gauge, "bytes", "free's used memory"),
            define(74, "hostMemoryTotalBytes", .limit, "bytes", "MemTotal"),
            define(75, "hostMemoryAvailableBytes", .gauge, "bytes", "MemAvailable"),
            define(76, "hostSwapUsedBytes", .gauge, "bytes", "SwapTotal - SwapFree"),
            define(77, "hostSwapTotalBytes", .limit, "bytes", "SwapTotal"),
            define(78, "diskReadBytes", .counter, "bytes", "whole disks, /proc/diskstats sectors read × 512"),
            define(79, "diskWrittenBytes", .counter, "bytes", "whole disks, sectors written × 512"),
            define(80, "diskReadOperations", .counter, "ops", "reads completed"),
            define(81, "diskWriteOperations", .counter, "ops", "writes completed"),
            define(82, "diskReadTimeMilliseconds", .counter, "ms", "time spent reading (sum over requests)"),
            define(83, "diskWriteTimeMilliseconds", .counter, "ms", "time spent writing (sum over requests)"),
            define(84, "diskBusyMilliseconds", .counter, "ms", "time with I/O in flight"),
            define(85, "diskInFlight", .gauge, "requests", "requests in flight"),
            define(86, "runtimeAPILatencyMicroseconds", .gauge, "µs", "latency of a cheap container runtime API call"),
            define(87, "hostCPUCount", .limit, "CPUs", "online CPUs"),
            define(88, "kernelLogErrors", .counter, "lines", "kernel log lines at error level or worse"),
            define(89, "containersRunning", .gauge, "containers", "containers running"),
            define(90, "cpusetMask", .limit, "bits", "cpuset.cpus as a bit mask of CPUs 0-62")
        ]
        + perCPURange.flatMap { cpu in
            [
                define(
                    UInt16(1024 + 2 * cpu), "hostCPU\(cpu)IdleTicks", .counter, "ticks",
                    "/proc/stat cpu\(cpu) idle + iowait"),
                define(
                    UInt16(1025 + 2 * cpu), "hostCPU\(cpu)BusyTicks", .counter, "ticks",
                    "/proc/stat cpu\(cpu) every other tick")
            ]
        }
        + latencyHistogramCatalog
}
