import LinuxHost

/// What one sample of a `WindowRecorder` read, handed out as it is taken (`onSample`): the raw
/// counters of every live container. The agent serves these between two windows, so its
/// counters are at most one interval old instead of one window.
public struct WindowSample: Sendable {
    /// One container's counters at this sample.
    public struct Container: Sendable {
        /// `runtime:id`, as `ContainerKey` prints it (the agent keys its series by this text).
        public var key: String
        /// The name users know, or `runtime:shortid` until the runtime names it.
        public var displayName: String
        /// The runtime.
        public var runtime: String
        /// The cgroup path the runtime was recognised from (`/docker/ID`): cAdvisor's `id` label.
        public var cgroupPath: String?
        /// Processes in it.
        public var processCount: Int
        /// Its cgroup counters; nil when its cgroup was unreadable.
        public var counters: CgroupCounters?
        /// Its network namespace's interfaces (empty with the host's network).
        public var network: [NetworkDeviceStats]
        /// It shares the host's network namespace.
        public var sharesHostNetwork: Bool
        /// Its threads in D on average over the sweeps since the previous sample.
        public var averageDStateThreads: Double

        /// Creates a value from its fields.
        public init(key: String, displayName: String, runtime: String, cgroupPath: String? = nil, processCount: Int = 1,
                    counters: CgroupCounters?, network: [NetworkDeviceStats] = [], sharesHostNetwork: Bool = false,
                    averageDStateThreads: Double = 0) {
            self.key = key
            self.displayName = displayName
            self.runtime = runtime
            self.cgroupPath = cgroupPath
            self.processCount = processCount
            self.counters = counters
            self.network = network
            self.sharesHostNetwork = sharesHostNetwork
            self.averageDStateThreads = averageDStateThreads
        }
    }

    /// When it was taken, on CLOCK_MONOTONIC.
    public var takenAt: MonotonicInstant
    /// When it was taken, in seconds since 1970.
    public var unixTimeSeconds: Double
    /// Online CPUs of the host.
    public var hostCPUCount: Int
    /// Every container alive at this sample.
    public var containers: [Container]

    /// Creates a value from its fields.
    public init(takenAt: MonotonicInstant, unixTimeSeconds: Double, hostCPUCount: Int, containers: [Container]) {
        self.takenAt = takenAt
        self.unixTimeSeconds = unixTimeSeconds
        self.hostCPUCount = hostCPUCount
        self.containers = containers
    }
}
