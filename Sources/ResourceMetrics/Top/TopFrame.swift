/// One refresh of `periscope top`: the host header and one row per container, with the
/// processes of every container. What the renderer draws and `--json` prints.
///
/// Plain values with string identities, so frames can be built by hand in tests and
/// rendered without knowing where the numbers came from.
package struct TopFrame: Sendable, Equatable, Codable {
    /// Seconds between the two samples the rates come from.
    package var intervalSeconds: Double
    /// When the newer sample was taken, in seconds since 1970 (wall clock, for scripts).
    package var unixTimeSeconds: Double
    /// The host's name.
    package var hostname: String
    /// The header: load, CPU split, memory, disk and network totals.
    package var host: TopHostSummary
    /// The host row first, then one row per container, in inventory order (the view sorts).
    package var rows: [TopRow]
    /// Every process seen, with the row id it belongs to; `--json` leaves them out.
    package var processes: [TopProcessRow]
    /// The RT budget and SCHED_FIFO/SCHED_RR threads of the drilled-down container, by row id.
    package var realtimeByRowID: [String: ContainerRealtime] = [:]

    /// Creates a value from its fields.
    package init(
        intervalSeconds: Double, unixTimeSeconds: Double = 0, hostname: String, host: TopHostSummary, rows: [TopRow],
        processes: [TopProcessRow] = []
    ) {
        self.intervalSeconds = intervalSeconds
        self.unixTimeSeconds = unixTimeSeconds
        self.hostname = hostname
        self.host = host
        self.rows = rows
        self.processes = processes
    }

    /// The processes of the row with `rowID`, busiest first.
    package func processes(of rowID: String) -> [TopProcessRow] {
        processes.filter { $0.rowID == rowID }.sorted {
            ($0.cpuPercent ?? -1, -$0.hostPID) > ($1.cpuPercent ?? -1, -$1.hostPID)
        }
    }

    private enum CodingKeys: String, CodingKey { case intervalSeconds, unixTimeSeconds, hostname, host, rows }

    /// Decodes a `--json` line (which carries no processes; a row's `realtime`, when present,
    /// goes back into `realtimeByRowID`).
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        intervalSeconds = try container.decode(Double.self, forKey: .intervalSeconds)
        unixTimeSeconds = try container.decode(Double.self, forKey: .unixTimeSeconds)
        hostname = try container.decode(String.self, forKey: .hostname)
        host = try container.decode(TopHostSummary.self, forKey: .host)
        let decodedRows = try container.decode([RowWithRealtime].self, forKey: .rows)
        rows = decodedRows.map(\.row)
        processes = []
        for row in decodedRows { realtimeByRowID[row.row.id] = row.realtime }
    }

    /// Encodes the header and rows; processes would make every line huge.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(intervalSeconds, forKey: .intervalSeconds)
        try container.encode(unixTimeSeconds, forKey: .unixTimeSeconds)
        try container.encode(hostname, forKey: .hostname)
        try container.encode(host, forKey: .host)
        try container.encode(rows.map { RowWithRealtime(row: $0, realtime: realtimeByRowID[$0.id]) }, forKey: .rows)
    }

    /// A `--json` row: the row's fields plus, when sampled, its `realtime` object.
    private struct RowWithRealtime: Codable {
        var row: TopRow
        var realtime: ContainerRealtime?

        private enum CodingKeys: String, CodingKey { case realtime }

        init(row: TopRow, realtime: ContainerRealtime?) {
            self.row = row
            self.realtime = realtime
        }

        init(from decoder: any Decoder) throws {
            row = try TopRow(from: decoder)
            realtime = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(
                ContainerRealtime.self, forKey: .realtime)
        }

        func encode(to encoder: any Encoder) throws {
            try row.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(realtime, forKey: .realtime)
        }
    }
}

/// The host header of `top`.
package struct TopHostSummary: Sendable, Equatable, Codable {
    /// 1, 5 and 15 minute load averages.
    package var loadAverages: [Double]
    /// Tasks runnable now and tasks (threads) that exist, from /proc/loadavg.
    package var runnableTasks: UInt64
    /// Threads that exist.
    package var totalTasks: UInt64
    /// Online CPUs.
    package var cpuCount: Int
    /// The all-CPU split, as mpstat prints it.
    package var cpu: CPUUtilization
    /// `free`'s used memory.
    package var memoryUsedBytes: UInt64
    /// MemTotal.
    package var memoryTotalBytes: UInt64
    /// MemAvailable, when the kernel reports it.
    package var memoryAvailableBytes: UInt64?
    /// Swap used (SwapTotal − SwapFree).
    package var swapUsedBytes: UInt64
    /// SwapTotal.
    package var swapTotalBytes: UInt64
    /// Bytes read per second from whole disks (partitions and virtual devices left out).
    package var diskReadBytesPerSecond: Double
    /// Bytes written per second to whole disks.
    package var diskWrittenBytesPerSecond: Double
    /// Bytes received per second on the host's interfaces, loopback left out.
    package var networkReceivedBytesPerSecond: Double
    /// Bytes sent per second on the host's interfaces, loopback left out.
    package var networkTransmittedBytesPerSecond: Double

    /// Creates a value from its fields.
    package init(
        loadAverages: [Double], runnableTasks: UInt64, totalTasks: UInt64, cpuCount: Int, cpu: CPUUtilization,
        memoryUsedBytes: UInt64, memoryTotalBytes: UInt64, memoryAvailableBytes: UInt64?,
        swapUsedBytes: UInt64, swapTotalBytes: UInt64,
        diskReadBytesPerSecond: Double, diskWrittenBytesPerSecond: Double,
        networkReceivedBytesPerSecond: Double, networkTransmittedBytesPerSecond: Double
    ) {
        self.loadAverages = loadAverages
        self.runnableTasks = runnableTasks
        self.totalTasks = totalTasks
        self.cpuCount = cpuCount
        self.cpu = cpu
        self.memoryUsedBytes = memoryUsedBytes
        self.memoryTotalBytes = memoryTotalBytes
        self.memoryAvailableBytes = memoryAvailableBytes
        self.swapUsedBytes = swapUsedBytes
        self.swapTotalBytes = swapTotalBytes
        self.diskReadBytesPerSecond = diskReadBytesPerSecond
        self.diskWrittenBytesPerSecond = diskWrittenBytesPerSecond
        self.networkReceivedBytesPerSecond = networkReceivedBytesPerSecond
        self.networkTransmittedBytesPerSecond = networkTransmittedBytesPerSecond
    }
}

/// One line of the container table: a container, or the whole host.
///
/// Nil means "not known" (no such controller, first sample of a new container), drawn as `-`.
package struct TopRow: Sendable, Equatable, Codable {
    /// A stable identity across frames (`docker:ID`, `host`).
    package var id: String
    /// What to show: the runtime's name, or the kind of thing it is.
    package var name: String
    /// The runtime (`docker`, `host`, ...).
    package var runtime: String
    /// True for the host row, which is always drawn first.
    package var isHost: Bool
    /// CPUs kept busy on average (1.0 = one core).
    package var cpuCores: Double?
    /// cpuCores / cap × 100; nil when uncapped.
    package var cpuPercentOfCap: Double?
    /// The share of CFS periods in which the quota cut the cgroup short, in %.
    package var throttledPercentOfPeriods: Double?
    /// Usage minus inactive page cache, as `docker stats` shows it.
    package var memoryWorkingSetBytes: UInt64?
    /// The memory limit; nil when unlimited.
    package var memoryLimitBytes: UInt64?
    /// Block I/O read, bytes per second, every device summed.
    package var blockReadBytesPerSecond: Double?
    /// Block I/O written, bytes per second.
    package var blockWrittenBytesPerSecond: Double?
    /// Where the block I/O figures come from: `cgroup`, or `/proc/PID/io` when cgroup v1
    /// blkio does not account a disk that did I/O.
    package var blockIOSource: String?
    /// Network received, bytes per second, every interface but loopback; nil for host-network containers.
    package var networkReceivedBytesPerSecond: Double?
    /// Network sent, bytes per second.
    package var networkTransmittedBytesPerSecond: Double?
    /// The container shares the host's network namespace: its traffic is the host's.
    package var sharesHostNetwork: Bool
    /// Tasks (threads) in the cgroup, as `docker stats` PIDS; processes seen when the cgroup has no pids controller.
    package var pids: UInt64?

    /// JSON names (docs/json.md): a row's CPU use is `cpuUsageCores`, as `stats` has `cpu.usageCores`.
    private enum CodingKeys: String, CodingKey {
        case id, name, runtime, isHost, cpuCores = "cpuUsageCores", cpuPercentOfCap, throttledPercentOfPeriods
        case memoryWorkingSetBytes, memoryLimitBytes, blockReadBytesPerSecond, blockWrittenBytesPerSecond
        case networkReceivedBytesPerSecond, networkTransmittedBytesPerSecond, sharesHostNetwork, pids
    }

    /// Creates a row with only its identity; the numbers start unknown.
    package init(id: String, name: String, runtime: String, isHost: Bool = false, sharesHostNetwork: Bool = false) {
        self.id = id
        self.name = name
        self.runtime = runtime
        self.isHost = isHost
        self.sharesHostNetwork = sharesHostNetwork
    }

    /// Read plus written.
    package var blockBytesPerSecond: Double? {
        guard blockReadBytesPerSecond != nil || blockWrittenBytesPerSecond != nil else { return nil }
        return (blockReadBytesPerSecond ?? 0) + (blockWrittenBytesPerSecond ?? 0)
    }

    /// Received plus sent.
    package var networkBytesPerSecond: Double? {
        guard networkReceivedBytesPerSecond != nil || networkTransmittedBytesPerSecond != nil else { return nil }
        return (networkReceivedBytesPerSecond ?? 0) + (networkTransmittedBytesPerSecond ?? 0)
    }
}

/// One process in the drill-down view of a container.
package struct TopProcessRow: Sendable, Equatable, Codable {
    /// The `TopRow.id` of its container.
    package var rowID: String
    /// The PID on the host.
    package var hostPID: Int32
    /// The PID inside the container's PID namespace (the last NSpid entry); nil until read.
    package var containerPID: Int32?
    /// The state letter from /proc/PID/stat (`D` is uninterruptible sleep).
    package var state: String
    /// CPU over the interval in % of one CPU (user + system ticks); nil for a process new in this frame.
    package var cpuPercent: Double?
    /// The process's comm.
    package var command: String

    /// Creates a value from its fields.
    package init(
        rowID: String, hostPID: Int32, containerPID: Int32? = nil, state: String, cpuPercent: Double?, command: String
    ) {
        self.rowID = rowID
        self.hostPID = hostPID
        self.containerPID = containerPID
        self.state = state
        self.cpuPercent = cpuPercent
        self.command = command
    }

    /// Uninterruptible sleep: usually waiting for storage, the state worth highlighting.
    package var isUninterruptible: Bool { state == "D" }
}
