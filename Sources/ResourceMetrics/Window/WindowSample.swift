import LinuxHost

/// What one sample of a `WindowRecorder` read, handed out as it is taken (`onSample`): the raw
/// counters of every live container. The agent serves these between two windows, so its
/// counters are at most one interval old instead of one window.
package struct WindowSample: Sendable {
    /// One container's counters at this sample.
    package struct Container: Sendable {
        /// `runtime:id`, as `ContainerKey` prints it (the agent keys its series by this text).
        package var key: String
        /// The name users know, or `runtime:shortid` until the runtime names it.
        package var displayName: String
        /// The runtime.
        package var runtime: String
        /// The cgroup path the runtime was recognised from (`/docker/ID`): cAdvisor's `id` label.
        package var cgroupPath: String?
        /// Processes in it.
        package var processCount: Int
        /// Its cgroup counters; nil when its cgroup was unreadable.
        package var counters: CgroupCounters?
        /// Its network namespace's interfaces (empty with the host's network).
        package var network: [NetworkDeviceStats]
        /// It shares the host's network namespace.
        package var sharesHostNetwork: Bool
        /// Its threads in D on average over the sweeps since the previous sample.
        package var averageDStateThreads: Double

        /// Creates a value from its fields.
        package init(
            key: String, displayName: String, runtime: String, cgroupPath: String? = nil, processCount: Int = 1,
            counters: CgroupCounters?, network: [NetworkDeviceStats] = [], sharesHostNetwork: Bool = false,
            averageDStateThreads: Double = 0
        ) {
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
    package var takenAt: MonotonicInstant
    /// When it was taken, in seconds since 1970.
    package var unixTimeSeconds: Double
    /// Online CPUs of the host.
    package var hostCPUCount: Int
    /// Every container alive at this sample.
    package var containers: [Container]

    /// Creates a value from its fields.
    package init(takenAt: MonotonicInstant, unixTimeSeconds: Double, hostCPUCount: Int, containers: [Container]) {
        self.takenAt = takenAt
        self.unixTimeSeconds = unixTimeSeconds
        self.hostCPUCount = hostCPUCount
        self.containers = containers
    }
}
