import ContainerInventory
import LinuxHost
import Recording

/// One running container the recorder samples: its open counter files, its last counters
/// and the values handed to the store, reused sample after sample so that sampling it
/// allocates nothing and hashes no string.
final class TrackedContainer {
    let key: ContainerKey
    let recordedKey: RecordedContainerKey
    var name: String
    var image: String?
    let runtime: String
    let cgroups: ProcessCgroups
    let initPID: Int32?
    let cgroupPath: String?
    let sharesHostNetwork: Bool
    let reader: CompactCgroupReader
    var counters = CompactCgroupCounters()
    /// Limits as last read (`RecordedMetric` kinds `.limit`), written with every sample.
    var limits: [(RecordedMetric, UInt64?)] = []
    var limitsReadAt: Double = -.infinity
    /// The values of the last sample. Mutated in place; the batch's copy is released
    /// before the next sample, so the arrays are reused rather than reallocated.
    var values = RecordedValues()
    var startedAtUnixMilliseconds: Int64?
    /// Context switches, read only while the container wants CPU.
    let switches: ContainerContextSwitches
    /// When the counters were last read (CLOCK_MONOTONIC ns), and the CPU figures then: the
    /// demand of the interval just read decides whether its context switches are read.
    var readAtNanoseconds: UInt64 = 0
    private var lastUsageNanoseconds: UInt64?
    private var lastCPUPressureMicroseconds: UInt64?
    /// The description must be (re)written: new, renamed, started.
    var descriptionChanged = true

    init(
        key: ContainerKey, name: String, image: String?, initPID: Int32?, cgroupPath: String?,
        sharesHostNetwork: Bool, reader: CompactCgroupReader, cgroups: ProcessCgroups,
        switches: ContainerContextSwitches
    ) {
        self.switches = switches
        self.key = key
        recordedKey = RecordedContainerKey(key.description)
        self.name = name
        self.image = image
        runtime = key.runtime.rawValue
        self.cgroups = cgroups
        self.initPID = initPID
        self.cgroupPath = cgroupPath
        self.sharesHostNetwork = sharesHostNetwork
        self.reader = reader
    }

    var description: ContainerDescription {
        ContainerDescription(
            key: recordedKey, name: name, runtime: runtime, image: image,
            startedAtUnixMilliseconds: startedAtUnixMilliseconds)
    }

    /// Whether the container wanted CPU between its previous read and this one (`readAt`):
    /// it used at least `demandCores`, or its own CPU PSI (some) was at least
    /// `pressurePercent`, the tree's step 1a. Updates the figures kept for the next call.
    func wantsCPU(readAtNanoseconds now: UInt64, demandCores: Double, pressurePercent: Double) -> Bool {
        defer {
            readAtNanoseconds = now
            lastUsageNanoseconds = counters.present.contains(.cpuUsage) ? counters.cpuUsageNanoseconds : nil
            lastCPUPressureMicroseconds =
                counters.present.contains(.pressure) ? counters.cpuPressureSomeMicroseconds : nil
        }
        guard readAtNanoseconds > 0, now > readAtNanoseconds else { return false }
        let elapsedNanoseconds = Double(now - readAtNanoseconds)
        if let last = lastUsageNanoseconds, counters.present.contains(.cpuUsage),
            counters.cpuUsageNanoseconds >= last,
            Double(counters.cpuUsageNanoseconds - last) >= demandCores * elapsedNanoseconds
        {
            return true
        }
        if let last = lastCPUPressureMicroseconds, counters.present.contains(.pressure),
            counters.cpuPressureSomeMicroseconds >= last,
            Double(counters.cpuPressureSomeMicroseconds - last) * 1000 >= pressurePercent / 100 * elapsedNanoseconds
        {
            return true
        }
        return false
    }

    var facts: TrackedContainerFacts {
        TrackedContainerFacts(
            key: recordedKey.rawValue, name: name, image: image, runtime: runtime, cgroupPath: cgroupPath,
            sharesHostNetwork: sharesHostNetwork)
    }

    /// Copies the counters into `values` (µs for times, as the store keeps them). The values
    /// are cleared and refilled in order, each metric once: no lookup per metric.
    func fillValues() {
        let counters = counters
        let present = counters.present
        values.removeAll()
        func set(_ metric: RecordedMetric, _ value: UInt64, if field: CompactCgroupCounters.Fields) {
            if present.contains(field) { values.appendUnchecked(metric, Int64(truncatingIfNeeded: value)) }
        }
        set(.cpuUsageMicroseconds, counters.cpuUsageNanoseconds / 1000, if: .cpuUsage)
        set(.cpuUserMicroseconds, counters.cpuUserNanoseconds / 1000, if: .cpuUserSystem)
        set(.cpuSystemMicroseconds, counters.cpuSystemNanoseconds / 1000, if: .cpuUserSystem)
        set(.cpuPeriods, counters.cpuPeriods, if: .cpuThrottling)
        set(.cpuThrottledPeriods, counters.cpuThrottledPeriods, if: .cpuThrottling)
        set(.cpuThrottledMicroseconds, counters.cpuThrottledNanoseconds / 1000, if: .cpuThrottling)
        set(.memoryUsageBytes, counters.memoryUsageBytes, if: .memoryUsage)
        if let workingSet = counters.memoryWorkingSetBytes {
            values.appendUnchecked(.memoryWorkingSetBytes, Int64(truncatingIfNeeded: workingSet))
        }
        set(.memoryRSSBytes, counters.memoryAnonymousBytes, if: .memoryStat)
        set(.memoryCacheBytes, counters.memoryFileBytes, if: .memoryStat)
        set(.memoryOOMKills, counters.oomKills, if: .oomKills)
        set(.blockReadBytes, counters.blockReadBytes, if: .blockIO)
        set(.blockWrittenBytes, counters.blockWriteBytes, if: .blockIO)
        set(.blockReadOperations, counters.blockReadOperations, if: .blockIO)
        set(.blockWriteOperations, counters.blockWriteOperations, if: .blockIO)
        set(.pids, counters.pidsCurrent, if: .pids)
        set(.cpuPressureSomeMicroseconds, counters.cpuPressureSomeMicroseconds, if: .pressure)
        set(.memoryPressureSomeMicroseconds, counters.memoryPressureSomeMicroseconds, if: .pressure)
        set(.memoryPressureFullMicroseconds, counters.memoryPressureFullMicroseconds, if: .pressure)
        set(.ioPressureSomeMicroseconds, counters.ioPressureSomeMicroseconds, if: .pressure)
        set(.ioPressureFullMicroseconds, counters.ioPressureFullMicroseconds, if: .pressure)
        set(.networkReceivedBytes, counters.networkReceivedBytes, if: .network)
        set(.networkTransmittedBytes, counters.networkTransmittedBytes, if: .network)
        set(.networkReceivedPackets, counters.networkReceivedPackets, if: .network)
        set(.networkTransmittedPackets, counters.networkTransmittedPackets, if: .network)
        set(.networkReceiveDrops, counters.networkReceiveDrops, if: .network)
        set(.networkTransmitDrops, counters.networkTransmitDrops, if: .network)
        set(.networkReceiveErrors, counters.networkReceiveErrors, if: .network)
        set(.networkTransmitErrors, counters.networkTransmitErrors, if: .network)
        // Limits are other metrics than the counters above, each read once (ContainerLimits).
        for (metric, value) in limits {
            if let value = value.flatMap({ Int64(exactly: $0) }) { values.appendUnchecked(metric, value) }
        }
    }

    /// Adds the context switches just read to `values` (fillValues left them out).
    func fillContextSwitches() {
        values.set(.voluntaryContextSwitches, switches.voluntaryTotal)
        values.set(.involuntaryContextSwitches, switches.involuntaryTotal)
    }
}
