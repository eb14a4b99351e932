import LinuxHost
import ResourceMetrics

/// One exported series' value: a counter read from the kernel (exported as a Prometheus
/// counter, integer or in seconds) or a level (a gauge).
enum SeriesValue: Sendable {
    case count(UInt64)
    case nanosecondsAsSeconds(UInt64)
    case microsecondsAsSeconds(UInt64)
    case level(Double)
}

/// A metric of every container: cAdvisor's name and help, and how to read its series (one
/// per device or interface for some) from a sample.
struct ContainerMetric: Sendable {
    /// How a metric's series are read from a container's sample.
    enum Reading: Sendable {
        /// One series, or none when the value is unknown (read without building an array:
        /// a fresh scrape reads every metric of every container).
        case single(@Sendable (WindowSample.Container) -> SeriesValue?)
        /// One series per device or interface, each with its extra label.
        case labelled(@Sendable (WindowSample.Container) -> [(label: (String, String), value: SeriesValue)])
    }

    let name: String
    let help: String
    let isCounter: Bool
    let reading: Reading

    static func single(
        _ name: String, counter: Bool, _ help: String,
        _ read: @escaping @Sendable (WindowSample.Container) -> SeriesValue?
    ) -> ContainerMetric {
        ContainerMetric(name: name, help: help, isCounter: counter, reading: .single(read))
    }
}

extension ContainerMetric {
    /// The metrics with cAdvisor's names (so existing Grafana dashboards work), then
    /// Periscope's own: PSI totals under the names newer cAdvisor uses, and D-state threads.
    static let all: [ContainerMetric] = cpu + memory + blockIO + network + pressure + tasks

    static let cpu: [ContainerMetric] = [
        .single("container_cpu_usage_seconds_total", counter: true, "Cumulative CPU time consumed, in seconds.") {
            $0.counters?.cpu?.usageNanoseconds.map(SeriesValue.nanosecondsAsSeconds)
        },
        .single("container_cpu_user_seconds_total", counter: true, "Cumulative user CPU time consumed, in seconds.") {
            $0.counters?.cpu?.userNanoseconds.map(SeriesValue.nanosecondsAsSeconds)
        },
        .single("container_cpu_system_seconds_total", counter: true, "Cumulative system CPU time consumed, in seconds.")
        {
            $0.counters?.cpu?.systemNanoseconds.map(SeriesValue.nanosecondsAsSeconds)
        },
        .single("container_cpu_cfs_periods_total", counter: true, "Number of elapsed enforcement period intervals.") {
            $0.counters?.cpu?.periods.map(SeriesValue.count)
        },
        .single("container_cpu_cfs_throttled_periods_total", counter: true, "Number of throttled period intervals.") {
            $0.counters?.cpu?.throttledPeriods.map(SeriesValue.count)
        },
        .single(
            "container_cpu_cfs_throttled_seconds_total", counter: true,
            "Total time duration the container has been throttled, in seconds."
        ) {
            $0.counters?.cpu?.throttledNanoseconds.map(SeriesValue.nanosecondsAsSeconds)
        },
        // cAdvisor's units: quota and period in microseconds; no quota is not exported.
        .single("container_spec_cpu_quota", counter: false, "CPU quota of the container, in microseconds per period.") {
            $0.counters?.cpuLimits?.quotaMicroseconds.map { .level(Double($0)) }
        },
        .single("container_spec_cpu_period", counter: false, "CPU period of the container, in microseconds.") {
            $0.counters?.cpuLimits?.periodMicroseconds.map { .level(Double($0)) }
        },
        .single("container_spec_cpu_shares", counter: false, "CPU share of the container (cgroup v1 shares).") {
            $0.counters?.cpuLimits?.shares.map { .level(Double($0)) }
        }
    ]

    static let memory: [ContainerMetric] = [
        .single(
            "container_memory_usage_bytes", counter: false,
            "Current memory usage in bytes, including all memory regardless of when it was accessed."
        ) {
            $0.counters?.memory?.usageBytes.map { .level(Double($0)) }
        },
        .single(
            "container_memory_working_set_bytes", counter: false,
            "Current working set in bytes (usage minus inactive file cache)."
        ) {
            $0.counters?.memory?.workingSetBytes.map { .level(Double($0)) }
        },
        .single("container_memory_rss", counter: false, "Size of anonymous memory in bytes.") {
            $0.counters?.memory?.stat?.anonymousBytes.map { .level(Double($0)) }
        },
        .single("container_memory_cache", counter: false, "Number of bytes of page cache memory.") {
            $0.counters?.memory?.stat?.fileBytes.map { .level(Double($0)) }
        },
        .single("container_memory_swap", counter: false, "Container swap usage in bytes.") {
            ($0.counters?.memory?.swapUsageBytes ?? $0.counters?.memory?.stat?.swapBytes).map { .level(Double($0)) }
        },
        // cAdvisor exports 0 for "no limit".
        .single(
            "container_spec_memory_limit_bytes", counter: false, "Memory limit for the container, in bytes (0: none)."
        ) {
            guard let memory = $0.counters?.memory else { return nil }
            return .level(Double(memory.limitBytes ?? 0))
        },
        .single(
            "container_oom_events_total", counter: true,
            "Count of out of memory events observed for the container (OOM kills)."
        ) {
            guard let memory = $0.counters?.memory else { return nil }
            return (memory.oomKillCount ?? memory.oomCount).map(SeriesValue.count)
        }
    ]

    static let blockIO: [ContainerMetric] = [
        perDevice("container_fs_reads_bytes_total", "Cumulative count of bytes read.") { $0.readBytes },
        perDevice("container_fs_writes_bytes_total", "Cumulative count of bytes written.") { $0.writtenBytes },
        perDevice("container_fs_reads_total", "Cumulative count of reads completed.") { $0.readOperations },
        perDevice("container_fs_writes_total", "Cumulative count of writes completed.") { $0.writeOperations }
    ]

    static let network: [ContainerMetric] = [
        perInterface("container_network_receive_bytes_total", "Cumulative count of bytes received.") {
            $0.receivedBytes
        },
        perInterface("container_network_transmit_bytes_total", "Cumulative count of bytes transmitted.") {
            $0.transmittedBytes
        },
        perInterface("container_network_receive_packets_total", "Cumulative count of packets received.") {
            $0.receivedPackets
        },
        perInterface("container_network_transmit_packets_total", "Cumulative count of packets transmitted.") {
            $0.transmittedPackets
        },
        perInterface(
            "container_network_receive_errors_total", "Cumulative count of errors encountered while receiving."
        ) { $0.receiveErrors },
        perInterface(
            "container_network_transmit_errors_total", "Cumulative count of errors encountered while transmitting."
        ) { $0.transmitErrors },
        perInterface(
            "container_network_receive_packets_dropped_total", "Cumulative count of packets dropped while receiving."
        ) { $0.receiveDrops },
        perInterface(
            "container_network_transmit_packets_dropped_total",
            "Cumulative count of packets dropped while transmitting."
        ) { $0.transmitDrops }
    ]

    /// PSI from the container's cgroup2 directory (also on a v1 host, where runc puts every
    /// container in the unified hierarchy): "waiting" is `some`, "stalled" is `full`.
    static let pressure: [ContainerMetric] = [
        .single(
            "container_pressure_cpu_waiting_seconds_total", counter: true,
            "Total time duration tasks in the container have waited due to CPU congestion (PSI some)."
        ) {
            $0.counters?.cpuPressure.map { .microsecondsAsSeconds($0.some.totalMicroseconds) }
        },
        .single(
            "container_pressure_cpu_stalled_seconds_total", counter: true,
            "Total time duration no tasks in the container could make progress due to CPU congestion (PSI full)."
        ) {
            $0.counters?.cpuPressure?.full.map { .microsecondsAsSeconds($0.totalMicroseconds) }
        },
        .single(
            "container_pressure_memory_waiting_seconds_total", counter: true,
            "Total time duration tasks in the container have waited due to memory congestion (PSI some)."
        ) {
            $0.counters?.memoryPressure.map { .microsecondsAsSeconds($0.some.totalMicroseconds) }
        },
        .single(
            "container_pressure_memory_stalled_seconds_total", counter: true,
            "Total time duration no tasks in the container could make progress due to memory congestion (PSI full)."
        ) {
            $0.counters?.memoryPressure?.full.map { .microsecondsAsSeconds($0.totalMicroseconds) }
        },
        .single(
            "container_pressure_io_waiting_seconds_total", counter: true,
            "Total time duration tasks in the container have waited due to I/O congestion (PSI some)."
        ) {
            $0.counters?.ioPressure.map { .microsecondsAsSeconds($0.some.totalMicroseconds) }
        },
        .single(
            "container_pressure_io_stalled_seconds_total", counter: true,
            "Total time duration no tasks in the container could make progress due to I/O congestion (PSI full)."
        ) {
            $0.counters?.ioPressure?.full.map { .microsecondsAsSeconds($0.totalMicroseconds) }
        },
        .single(
            "periscope_container_cpu_pressure_some_ratio", counter: false,
            "PSI cpu some avg10 of the container: share of the last 10 s some task waited for CPU (0-1)."
        ) {
            $0.counters?.cpuPressure.map { .level($0.some.average10sPercent / 100) }
        },
        .single(
            "periscope_container_memory_pressure_some_ratio", counter: false,
            "PSI memory some avg10 of the container (0-1)."
        ) {
            $0.counters?.memoryPressure.map { .level($0.some.average10sPercent / 100) }
        },
        .single(
            "periscope_container_io_pressure_some_ratio", counter: false, "PSI io some avg10 of the container (0-1)."
        ) {
            $0.counters?.ioPressure.map { .level($0.some.average10sPercent / 100) }
        }
    ]

    static let tasks: [ContainerMetric] = [
        .single("container_processes", counter: false, "Number of processes running inside the container.") {
            .level(Double($0.processCount))
        },
        .single(
            "container_threads", counter: false, "Number of threads running inside the container (pids controller)."
        ) {
            $0.counters?.pids?.current.map { .level(Double($0)) }
        },
        .single(
            "container_threads_max", counter: false,
            "Maximum number of threads allowed inside the container (0: no limit)."
        ) {
            guard let pids = $0.counters?.pids else { return nil }
            return .level(Double(pids.limit ?? 0))
        },
        .single(
            "periscope_container_dstate_threads", counter: false,
            "Threads of the container in uninterruptible sleep (D), averaged over the sweeps of the last interval."
        ) {
            .level($0.averageDStateThreads)
        }
    ]

    private static func perDevice(
        _ name: String, _ help: String, _ read: @escaping @Sendable (BlockIOCounters) -> UInt64
    ) -> ContainerMetric {
        ContainerMetric(
            name: name, help: help, isCounter: true,
            reading: .labelled { container in
                (container.counters?.blockIO ?? []).map { (("device", $0.device.description), .count(read($0))) }
            })
    }

    private static func perInterface(
        _ name: String, _ help: String, _ read: @escaping @Sendable (NetworkDeviceStats) -> UInt64
    ) -> ContainerMetric {
        ContainerMetric(
            name: name, help: help, isCounter: true,
            reading: .labelled { container in
                container.network.filter { $0.interface != "lo" }.map {
                    (("interface", $0.interface), .count(read($0)))
                }
            })
    }
}
