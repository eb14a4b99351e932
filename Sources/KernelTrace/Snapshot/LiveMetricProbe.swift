import ContainerInventory
import LinuxHost

/// Samples the metric of one `SnapshotCondition`: the container's cgroup counters through
/// the shared counter reader (descriptors kept open), or the host's /proc/pressure files.
public final class LiveMetricProbe {
    public let condition: SnapshotCondition
    private let files: CgroupCounterFiles?
    private let reader = CgroupCounterReader()
    private let fileReader = KernelFileReader()
    private var previousPeriods: (periods: UInt64, throttled: UInt64)?
    /// The proc filesystem: host PSI and the cgroup mounts.
    private let procRoot: String

    /// Resolves the condition's container in `snapshot` (throws if it is not running).
    public init(
        condition: SnapshotCondition, snapshot: InventorySnapshot, procRoot: String = "/proc"
    ) throws(ContainerMatchError) {
        self.condition = condition
        self.procRoot = procRoot
        guard let query = condition.container else {
            files = nil
            return
        }
        let container: Container
        switch ContainerMatcher.resolve(query, in: snapshot) {
        case .success(let found): container = found
        case .failure(let failure): throw failure
        }
        let layout = try? CgroupLayout.read(mountInfoPath: procRoot + "/self/mountinfo")
        if let layout, let cgroups = container.cgroups {
            files = CgroupCounterFiles(CgroupDirectories(layout: layout, cgroups: cgroups))
        } else {
            files = nil
        }
    }

    /// The metric now, or nil when it cannot be known yet (a rate's first sample) or at all.
    public func sample() -> Double? {
        if let files {
            guard let counters = try? reader.read(files) else { return nil }
            switch condition.metric {
            case .throttled:
                guard let periods = counters.cpu?.periods, let throttled = counters.cpu?.throttledPeriods else {
                    return nil
                }
                defer { previousPeriods = (periods, throttled) }
                guard let previous = previousPeriods, periods > previous.periods else { return nil }
                return 100 * Double(throttled &- previous.throttled) / Double(periods - previous.periods)
            case .cpuPressure: return counters.cpuPressure?.some.average10sPercent
            case .memoryPressure: return counters.memoryPressure?.some.average10sPercent
            case .ioPressure: return counters.ioPressure?.some.average10sPercent
            }
        }
        let name: String
        switch condition.metric {
        case .cpuPressure: name = "cpu"
        case .memoryPressure: name = "memory"
        case .ioPressure: name = "io"
        case .throttled: return nil
        }
        let path = "\(procRoot)/pressure/\(name)"
        return try? fileReader.withContents(of: path) { bytes throws(HostReadError) in
            try PressureStall.parse(bytes, path: path)
        }.some.average10sPercent
    }
}
