import ContainerInventory

/// What a `WindowRecorder` watches and how often.
package struct WindowOptions: Sendable {
    /// How long to watch, in seconds.
    package var durationSeconds: Double = 10
    /// Seconds between two metric samples; nil picks duration / 6 between 0.25 and 1 s.
    package var intervalSeconds: Double?
    /// Seconds between two sweeps of every thread's state for D-state threads.
    package var dStateSweepIntervalSeconds: Double = 0.1
    /// Sweep every thread at least once in this many sweeps even when no task is blocked on I/O.
    package var fullSweepEvery = 10
    /// Inventory sources (proc root, runtime sockets).
    package var inventory = InventoryOptions()
    /// The sys filesystem ("/sys", or a fixture tree): link speeds.
    package var sysRoot = "/sys"
    /// Watch from inside a container: the only "container" is the caller's own cgroup and
    /// every visible process belongs to it.
    package var guest = false
    /// The kernel log device.
    package var kernelLogPath = "/dev/kmsg"
    /// Also report kernel log errors logged up to this many seconds before the window (as
    /// before it, with their time): a user runs a diagnosis because something just died.
    package var kernelLogLookbackSeconds: Double = 300
    /// Run the synchronous write probe in this directory during the window.
    package var probeDirectory: String?
    /// Bytes per probe write.
    package var probeBlockBytes = 1 << 20
    /// Probe writes.
    package var probeWrites = 10
    /// How many top processes to keep per container and for the host.
    package var topProcessCount = 5

    /// Defaults: 10 s, from the host.
    package init() {}

    /// The interval actually used.
    package var effectiveIntervalSeconds: Double {
        intervalSeconds ?? min(1, max(0.25, durationSeconds / 6))
    }
}
