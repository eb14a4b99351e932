import Presentation
import Recording

/// A metric `periscope chart --metric` draws: its panel, the stored metrics it reads, how its
/// points come out of a container's (or the host's) samples, and its limit.
package struct ChartMetric: Sendable {
    /// The name on the command line (`io-latency`).
    package let name: String
    /// The panel title.
    package let title: String
    package let unit: ChartUnit
    package let style: ChartPanel.Style
    /// One line of help.
    package let summary: String
    /// The stored metrics a container's points need (the host's may differ).
    package let containerMetrics: [RecordedMetric]
    package let hostMetrics: [RecordedMetric]
    /// A container's points; nil when the metric has no per-container meaning.
    package let containerPoints: (@Sendable ([RecordedSample]) -> [ChartPoint])?
    /// The host's points; nil when the host has no such series.
    package let hostPoints: (@Sendable ([RecordedSample]) -> [ChartPoint])?
    /// The limit at the last sample that has one (a container's cap, the host's CPUs).
    package let limit: (@Sendable (_ samples: [RecordedSample], _ isHost: Bool) -> Double?)?
    /// Container starts come from lifecycle events, not samples.
    package var isContainerStarts: Bool { name == "starts" }

    /// Every metric, in the order panels are drawn when several are asked for.
    package static let catalog: [ChartMetric] = ChartMetricCatalog.all

    /// The metric named `name`.
    package static func named(_ name: String) -> ChartMetric? { catalog.first { $0.name == name } }

    /// `--metric` help: every name.
    package static var names: String { catalog.map(\.name).joined(separator: ", ") }
}

/// The catalog's entries.
package enum ChartMetricCatalog {
    package typealias M = RecordedMetric

    /// USER_HZ: /proc/stat ticks per second on Linux (every architecture Periscope runs on).
    package static let ticksPerSecond = 100.0
    package static let hostBusyTicks: [M] = [
        .hostCPUUserTicks, .hostCPUNiceTicks, .hostCPUSystemTicks, .hostCPUIRQTicks, .hostCPUSoftIRQTicks,
        .hostCPUStealTicks
    ]

    package static func lastValue(_ samples: [RecordedSample], _ metric: M) -> Int64? {
        samples.last { $0.values[metric] != nil }?.values[metric]
    }

    package static let all: [ChartMetric] = [
        ChartMetric(
            name: "cpu", title: "CPU", unit: .cores, style: .lines,
            summary: "CPU used in cores (1 = one CPU busy); the cap dashed",
            containerMetrics: [.cpuUsageMicroseconds, .cpuQuotaMicroseconds, .cpuPeriodMicroseconds],
            hostMetrics: hostBusyTicks + [.hostCPUCount],
            containerPoints: { RecordedSeries.rate($0, [.cpuUsageMicroseconds], scale: 1e-6) },
            hostPoints: { RecordedSeries.rate($0, hostBusyTicks, scale: 1 / ticksPerSecond) },
            limit: { samples, isHost in
                if isHost { return lastValue(samples, .hostCPUCount).map(Double.init) }
                guard let quota = lastValue(samples, .cpuQuotaMicroseconds),
                    let period = lastValue(samples, .cpuPeriodMicroseconds), quota > 0, period > 0
                else { return nil }
                return Double(quota) / Double(period)
            }),
        ChartMetric(
            name: "throttled", title: "CPU throttled", unit: .millisecondsPerSecond, style: .lines,
            summary: "time runnable but held back by the CFS cap, ms per second",
            containerMetrics: [.cpuThrottledMicroseconds], hostMetrics: [],
            containerPoints: { RecordedSeries.rate($0, [.cpuThrottledMicroseconds], scale: 1e-3) }, hostPoints: nil,
            limit: nil),
        ChartMetric(
            name: "memory", title: "Memory working set", unit: .bytes, style: .lines,
            summary: "working set (usage minus inactive file cache; the host: used); the limit dashed",
            containerMetrics: [.memoryWorkingSetBytes, .memoryLimitBytes],
            hostMetrics: [.hostMemoryUsedBytes, .hostMemoryTotalBytes],
            containerPoints: { RecordedSeries.gauge($0, [.memoryWorkingSetBytes]) },
            hostPoints: { RecordedSeries.gauge($0, [.hostMemoryUsedBytes]) },
            limit: { samples, isHost in
                lastValue(samples, isHost ? .hostMemoryTotalBytes : .memoryLimitBytes).map(Double.init)
            }),
        ChartMetric(
            name: "iops", title: "IOPS", unit: .operationsPerSecond, style: .lines,
            summary: "block reads and writes per second (the host: whole disks)",
            containerMetrics: [.blockReadOperations, .blockWriteOperations],
            hostMetrics: [.diskReadOperations, .diskWriteOperations],
            containerPoints: { RecordedSeries.rate($0, [.blockReadOperations, .blockWriteOperations]) },
            hostPoints: { RecordedSeries.rate($0, [.diskReadOperations, .diskWriteOperations]) }, limit: nil),
        ChartMetric(
            name: "io-latency", title: "I/O latency", unit: .seconds, style: .lines,
            summary:
                "the host: mean time per disk request (iostat await); a container: threads in D over its IOPS (Little's law)",
            containerMetrics: [.dStateThreadsMilli, .blockReadOperations, .blockWriteOperations],
            hostMetrics: [
                .diskReadTimeMilliseconds, .diskWriteTimeMilliseconds, .diskReadOperations, .diskWriteOperations
            ],
            containerPoints: { samples in
                let iops = RecordedSeries.rate(samples, [.blockReadOperations, .blockWriteOperations])
                let waiting = Dictionary(
                    RecordedSeries.gauge(samples, [.dStateThreadsMilli], scale: 1e-3).map {
                        ($0.timeSeconds, $0.value)
                    },
                    uniquingKeysWith: { first, _ in first })
                return iops.compactMap { point in
                    guard point.value > 0, let threads = waiting[point.timeSeconds] else { return nil }
                    return ChartPoint(timeSeconds: point.timeSeconds, value: threads / point.value)
                }
            },
            hostPoints: {
                RecordedSeries.ratio(
                    $0, [.diskReadTimeMilliseconds, .diskWriteTimeMilliseconds],
                    over: [.diskReadOperations, .diskWriteOperations], scale: 1e-3)
            },
            limit: nil),
        ChartMetric(
            name: "io-bytes", title: "Block I/O", unit: .bytesPerSecond, style: .lines,
            summary: "bytes read and written per second",
            containerMetrics: [.blockReadBytes, .blockWrittenBytes], hostMetrics: [.diskReadBytes, .diskWrittenBytes],
            containerPoints: { RecordedSeries.rate($0, [.blockReadBytes, .blockWrittenBytes]) },
            hostPoints: { RecordedSeries.rate($0, [.diskReadBytes, .diskWrittenBytes]) }, limit: nil),
        ChartMetric(
            name: "network", title: "Network", unit: .bytesPerSecond, style: .lines,
            summary: "bytes received and sent per second by its network namespace",
            containerMetrics: [.networkReceivedBytes, .networkTransmittedBytes],
            hostMetrics: [.networkReceivedBytes, .networkTransmittedBytes],
            containerPoints: { RecordedSeries.rate($0, [.networkReceivedBytes, .networkTransmittedBytes]) },
            hostPoints: { RecordedSeries.rate($0, [.networkReceivedBytes, .networkTransmittedBytes]) }, limit: nil),
        ChartMetric(
            name: "pids", title: "Tasks", unit: .count, style: .lines,
            summary: "tasks (pids.current; the host: threads); the limit dashed",
            containerMetrics: [.pids, .pidsLimit], hostMetrics: [.totalTasks],
            containerPoints: { RecordedSeries.gauge($0, [.pids]) },
            hostPoints: { RecordedSeries.gauge($0, [.totalTasks]) },
            limit: { samples, isHost in isHost ? nil : lastValue(samples, .pidsLimit).map(Double.init) }),
        pressure("cpu-pressure", "CPU pressure", .cpuPressureSomeMicroseconds),
        pressure("memory-pressure", "Memory pressure", .memoryPressureSomeMicroseconds),
        pressure("io-pressure", "I/O pressure", .ioPressureSomeMicroseconds),
        ChartMetric(
            name: "dstate", title: "Threads in D state", unit: .count, style: .lines,
            summary: "threads in uninterruptible sleep, averaged over each interval's sweeps",
            containerMetrics: [.dStateThreadsMilli], hostMetrics: [.dStateThreadsMilli],
            containerPoints: { RecordedSeries.gauge($0, [.dStateThreadsMilli], scale: 1e-3) },
            hostPoints: { RecordedSeries.gauge($0, [.dStateThreadsMilli], scale: 1e-3) }, limit: nil),
        ChartMetric(
            name: "oom-kills", title: "OOM kills", unit: .count, style: .steps,
            summary: "processes killed by the OOM killer since --since",
            containerMetrics: [.memoryOOMKills], hostMetrics: [],
            containerPoints: { RecordedSeries.increase($0, .memoryOOMKills) }, hostPoints: nil, limit: nil),
        ChartMetric(
            name: "runtime-latency", title: "Container runtime API latency", unit: .seconds, style: .lines,
            summary: "latency of a cheap container runtime API call each interval (the host)",
            containerMetrics: [], hostMetrics: [.runtimeAPILatencyMicroseconds],
            containerPoints: nil,
            hostPoints: { RecordedSeries.gauge($0, [.runtimeAPILatencyMicroseconds], scale: 1e-6) }, limit: nil),
        ChartMetric(
            name: "load", title: "Load average (1 min)", unit: .count, style: .lines,
            summary: "the host's 1-minute load average",
            containerMetrics: [], hostMetrics: [.loadAverage1Milli],
            containerPoints: nil, hostPoints: { RecordedSeries.gauge($0, [.loadAverage1Milli], scale: 1e-3) },
            limit: nil),
        ChartMetric(
            name: "starts", title: "Container starts", unit: .count, style: .steps,
            summary: "containers started since --since, counted from the runtime's events (the host)",
            containerMetrics: [], hostMetrics: [], containerPoints: nil, hostPoints: nil, limit: nil)
    ]

    private static func pressure(_ name: String, _ title: String, _ metric: M) -> ChartMetric {
        ChartMetric(
            name: name, title: title, unit: .percent, style: .lines,
            summary: "share of time some task stalled (PSI some)",
            containerMetrics: [metric], hostMetrics: [metric],
            containerPoints: { RecordedSeries.rate($0, [metric], scale: 1e-4) },
            hostPoints: { RecordedSeries.rate($0, [metric], scale: 1e-4) }, limit: nil)
    }
}
