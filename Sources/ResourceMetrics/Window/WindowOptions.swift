import ContainerInventory

/// What a `WindowRecorder` watches and how often.
public struct WindowOptions: Sendable {
    /// How long to watch, in seconds.
    public var durationSeconds: Double = 10
    /// Seconds between two metric samples; nil picks duration / 6 between 0.25 and 1 s.
    public var intervalSeconds: Double?
    /// Seconds between two sweeps of every thread's state for D-state threads.
    public var dStateSweepIntervalSeconds: Double = 0.1
    /// Sweep every thread at least once in this many sweeps even when no task is blocked on I/O.
    public var fullSweepEvery = 10
    /// Inventory sources (proc root, runtime sockets).
    public var inventory = InventoryOptions()
    /// The sys filesystem ("/sys", or a fixture tree): link speeds.
    public var sysRoot = "/sys"
    /// Watch from inside a container: the only "container" is the caller's own cgroup and
    /// every visible process belongs to it.
    public var guest = false
    /// The kernel log device.
    public var kernelLogPath = "/dev/kmsg"
    /// Also report kernel log errors logged up to this many seconds before the window (as
    /// before it, with their time): a user runs a diagnosis because something just died.
    public var kernelLogLookbackSeconds: Double = 300
    /// Run the synchronous write probe in this directory during the window.
    public var probeDirectory: String?
    /// Bytes per probe write.
    public var probeBlockBytes = 1 << 20
    /// Probe writes.
    public var probeWrites = 10
    /// How many top processes to keep per container and for the host.
    public var topProcessCount = 5

    /// Defaults: 10 s, from the host.
    public init() {}

    /// The interval actually used.
    public var effectiveIntervalSeconds: Double {
        intervalSeconds ?? min(1, max(0.25, durationSeconds / 6))
    }
}
