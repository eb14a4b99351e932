import ContainerInventory
import LinuxHost

/// Everything Periscope saw of a host and its containers during a window: a series of
/// host and per-container rates, the D-state threads, the kernel log's errors and an optional
/// storage probe. The input of the diagnosis rules, which never read a file themselves.
package struct ObservationWindow: Sendable, Codable {
    /// Seen from the host (every container), or from inside one container (`periscope inside`).
    package enum Viewpoint: String, Sendable, Codable {
        case host, guest
    }

    /// Where it was observed from.
    package var viewpoint: Viewpoint
    /// The host's (or, inside a container, the container's UTS) hostname.
    package var hostname: String
    /// `uname -r`.
    package var kernelRelease: String
    /// Seconds from the first sample to the last.
    package var durationSeconds: Double
    /// Seconds between two samples (the interval of each entry of `host` and `intervals`).
    package var intervalSeconds: Double
    /// The host's rates, one entry per interval, oldest first.
    package var host: [HostRates]
    /// Link speed in Mbit/s per host interface that reports one (/sys/class/net/IF/speed).
    package var linkSpeedsMegabitsPerSecond: [String: Double]
    /// Host processes (not in any container) that used the most CPU over the window.
    package var hostProcesses: [ProcessCPU]
    /// Every container seen, with its series.
    package var containers: [ObservedContainer]
    /// The containers the user asked about (coded `runtime:id`); empty means all.
    package var focus: [ContainerKey]
    /// Threads seen in uninterruptible sleep.
    package var dStateThreads: [DStateThread]
    /// How many D-state sweeps ran, and how far apart.
    package var dStateSweeps: Int
    /// Seconds between D-state sweeps.
    package var dStateSweepIntervalSeconds: Double
    /// The kernel log's errors during the window.
    package var kernelLog: KernelLogObservation
    /// The synchronous write probe, when asked for.
    package var storageProbe: SyncWriteProbeResult?
    /// What could not be read and what that costs the diagnosis.
    package var limitations: [String]

    /// Creates a value from its fields.
    package init(
        viewpoint: Viewpoint, hostname: String, kernelRelease: String = "", durationSeconds: Double,
        intervalSeconds: Double,
        host: [HostRates], linkSpeedsMegabitsPerSecond: [String: Double] = [:], hostProcesses: [ProcessCPU] = [],
        containers: [ObservedContainer], focus: [ContainerKey] = [], dStateThreads: [DStateThread] = [],
        dStateSweeps: Int = 0,
        dStateSweepIntervalSeconds: Double = 0.1, kernelLog: KernelLogObservation = KernelLogObservation(),
        storageProbe: SyncWriteProbeResult? = nil, limitations: [String] = []
    ) {
        self.viewpoint = viewpoint
        self.hostname = hostname
        self.kernelRelease = kernelRelease
        self.durationSeconds = durationSeconds
        self.intervalSeconds = intervalSeconds
        self.host = host
        self.linkSpeedsMegabitsPerSecond = linkSpeedsMegabitsPerSecond
        self.hostProcesses = hostProcesses
        self.containers = containers
        self.focus = focus
        self.dStateThreads = dStateThreads
        self.dStateSweeps = dStateSweeps
        self.dStateSweepIntervalSeconds = dStateSweepIntervalSeconds
        self.kernelLog = kernelLog
        self.storageProbe = storageProbe
        self.limitations = limitations
    }
}

/// One container's series over a window.
package struct ObservedContainer: Sendable, Codable {
    /// Which container (coded `runtime:id`, as saved windows always stored it).
    package var key: ContainerKey
    /// The name users know (Docker name, `pod/container`), or a description.
    package var displayName: String
    /// The runtime.
    package var runtime: String
    /// The container shares the host's network namespace: its interfaces and TCP counters
    /// are the host's, so they are not attributed to it.
    package var sharesHostNetwork: Bool
    /// Processes in it at the end of the window (or when it was last seen).
    package var processCount: Int
    /// It stopped (or its cgroup vanished) before the window ended.
    package var vanishedDuringWindow: Bool
    /// Cgroup rates, one per interval.
    package var intervals: [CgroupRates]
    /// Cgroup counters at the first and last sample, for totals over the window.
    package var firstCounters: CgroupCounters?
    /// Cgroup counters at the last sample.
    package var lastCounters: CgroupCounters?
    /// Context switches of all its threads, one per interval.
    package var contextSwitches: [ContextSwitchRates]
    /// Its network namespace's interfaces, one list per interval (empty with host network).
    package var network: [[NetworkRates]]
    /// Its network namespace's TCP activity, one per interval.
    package var tcp: [TCPRates]
    /// Its processes that used the most CPU over the window.
    package var topProcesses: [ProcessCPU]
    /// Its threads in D on average over the sweeps of each interval (aligned with `intervals`):
    /// with its IOPS, the latency its I/O sees (Little's law).
    package var averageDStateThreads: [Double]
    /// Its RT budget (v1 `cpu.rt_runtime_us` of its cgroup and ancestors) at the window's start.
    package var realtimeBudget: CgroupRealtimeBudget?
    /// Its SCHED_FIFO/SCHED_RR threads, one list per interval (empty lists when it has none).
    package var realtimeThreads: [[RealtimeThreadRates]]

    /// Creates a value from its fields.
    package init(
        key: ContainerKey, displayName: String, runtime: String = "docker", sharesHostNetwork: Bool = false,
        processCount: Int = 1,
        vanishedDuringWindow: Bool = false, intervals: [CgroupRates] = [], firstCounters: CgroupCounters? = nil,
        lastCounters: CgroupCounters? = nil, contextSwitches: [ContextSwitchRates] = [], network: [[NetworkRates]] = [],
        tcp: [TCPRates] = [], topProcesses: [ProcessCPU] = [], averageDStateThreads: [Double] = [],
        realtimeBudget: CgroupRealtimeBudget? = nil, realtimeThreads: [[RealtimeThreadRates]] = []
    ) {
        self.key = key
        self.displayName = displayName
        self.runtime = runtime
        self.sharesHostNetwork = sharesHostNetwork
        self.processCount = processCount
        self.vanishedDuringWindow = vanishedDuringWindow
        self.intervals = intervals
        self.firstCounters = firstCounters
        self.lastCounters = lastCounters
        self.contextSwitches = contextSwitches
        self.network = network
        self.tcp = tcp
        self.topProcesses = topProcesses
        self.averageDStateThreads = averageDStateThreads
        self.realtimeBudget = realtimeBudget
        self.realtimeThreads = realtimeThreads
    }
}

extension ObservedContainer {
    /// Decodes a saved window; series added after a window was saved (D-state averages, RT
    /// budget and threads) default to empty, so older `--save-window` files still load.
    package init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            key: try fields.decode(ContainerKey.self, forKey: .key),
            displayName: try fields.decode(String.self, forKey: .displayName),
            runtime: try fields.decode(String.self, forKey: .runtime),
            sharesHostNetwork: try fields.decode(Bool.self, forKey: .sharesHostNetwork),
            processCount: try fields.decode(Int.self, forKey: .processCount),
            vanishedDuringWindow: try fields.decode(Bool.self, forKey: .vanishedDuringWindow),
            intervals: try fields.decode([CgroupRates].self, forKey: .intervals),
            firstCounters: try fields.decodeIfPresent(CgroupCounters.self, forKey: .firstCounters),
            lastCounters: try fields.decodeIfPresent(CgroupCounters.self, forKey: .lastCounters),
            contextSwitches: try fields.decode([ContextSwitchRates].self, forKey: .contextSwitches),
            network: try fields.decode([[NetworkRates]].self, forKey: .network),
            tcp: try fields.decode([TCPRates].self, forKey: .tcp),
            topProcesses: try fields.decode([ProcessCPU].self, forKey: .topProcesses),
            averageDStateThreads: try fields.decodeIfPresent([Double].self, forKey: .averageDStateThreads) ?? [],
            realtimeBudget: try fields.decodeIfPresent(CgroupRealtimeBudget.self, forKey: .realtimeBudget),
            realtimeThreads: try fields.decodeIfPresent([[RealtimeThreadRates]].self, forKey: .realtimeThreads) ?? [])
    }
}

/// A process's CPU use over a window.
package struct ProcessCPU: Sendable, Equatable, Codable {
    /// Host PID.
    package var pid: Int32
    /// Command name.
    package var comm: String
    /// CPUs kept busy on average (1.0 = one core).
    package var cores: Double

    /// Creates a value from its fields.
    package init(pid: Int32, comm: String, cores: Double) {
        self.pid = pid
        self.comm = comm
        self.cores = cores
    }
}

/// The kernel log over a window.
package struct KernelLogObservation: Sendable, Codable {
    /// False when /dev/kmsg could not be read (then `unreadableReason` says why).
    package var readable: Bool
    /// Why it could not be read and how to fix it.
    package var unreadableReason: String?
    /// Records read in the window.
    package var recordsRead: Int
    /// Records the ring buffer overwrote before they were read.
    package var recordsLost: Int
    /// The errors among them.
    package var events: [KernelLogEvent]
    /// When the window started, in the log's clock (seconds since boot): events before it
    /// come from the look-back and are reported as before the window. Nil: all in the window.
    package var windowStartSecondsSinceBoot: Double?
    /// The same instant on the wall clock (seconds since 1970), to print events' times.
    package var windowStartUnixSeconds: Double?
    /// How far before the window the log was read, in seconds (nil in windows saved before
    /// the look-back was recorded).
    package var lookbackSeconds: Double?

    /// Creates a value from its fields.
    package init(
        readable: Bool = true, unreadableReason: String? = nil, recordsRead: Int = 0, recordsLost: Int = 0,
        events: [KernelLogEvent] = [],
        windowStartSecondsSinceBoot: Double? = nil, windowStartUnixSeconds: Double? = nil,
        lookbackSeconds: Double? = nil
    ) {
        self.readable = readable
        self.unreadableReason = unreadableReason
        self.recordsRead = recordsRead
        self.recordsLost = recordsLost
        self.events = events
        self.windowStartSecondsSinceBoot = windowStartSecondsSinceBoot
        self.windowStartUnixSeconds = windowStartUnixSeconds
        self.lookbackSeconds = lookbackSeconds
    }

    /// True when `event` was logged before the window started (read through the look-back).
    package func isBeforeWindow(_ event: KernelLogEvent) -> Bool {
        windowStartSecondsSinceBoot.map { event.secondsSinceBoot < $0 } ?? false
    }

    /// "5.2 s before the window (09:50:03 UTC)", for an event logged before it.
    package func beforeWindowText(_ event: KernelLogEvent) -> String {
        guard let start = windowStartSecondsSinceBoot else { return "before the window" }
        let ago = max(0, start - event.secondsSinceBoot)
        var text =
            ago < 60
            ? "\(Int((ago * 10).rounded()) / 10).\(Int((ago * 10).rounded()) % 10) s before the window"
            : "\(Int(ago / 60)) min \(Int(ago) % 60) s before the window"
        if let unix = windowStartUnixSeconds {
            let seconds = Int((unix - ago).rounded(.down)) % 86_400
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            text += " (\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) UTC)"
        }
        return text
    }
}
