import LinuxHost

/// Samples cgroups through descriptors kept open between samples.
///
/// Holds the reader and the previous sample of each cgroup it was asked about, so a caller
/// gets rates from the second call on. A removed cgroup's descriptors are closed and its
/// sample dropped; the error is rethrown (`isCgroupRemoved`) for the caller to count.
/// Not thread-safe.
package final class CgroupSampler {
    /// The reader that owns the descriptors.
    package let reader: CgroupCounterReader
    private var previous: [CgroupCounterFiles: CounterSample<CgroupCounters>] = [:]

    /// Creates it with its own descriptors and buffer unless given some.
    package init(reader: CgroupCounterReader = CgroupCounterReader()) { self.reader = reader }

    /// Reads `files` now.
    package func sample(_ files: CgroupCounterFiles) throws(HostReadError) -> CounterSample<CgroupCounters> {
        let takenAt = MonotonicInstant.now()
        do {
            return CounterSample(takenAt: takenAt, counters: try reader.read(files))
        } catch  where error.isCgroupRemoved {
            reader.forget(files)
            previous[files] = nil
            throw error
        }
    }

    /// Reads `files` now and returns the rates since the previous call for the same files
    /// (nil on the first call).
    package func rates(
        _ files: CgroupCounterFiles, hostCPUCount: Int
    ) throws(HostReadError) -> (sample: CounterSample<CgroupCounters>, rates: CgroupRates?) {
        let sample = try sample(files)
        defer { previous[files] = sample }
        guard let old = previous[files] else { return (sample, nil) }
        return (sample, CgroupRates(old: old, new: sample, hostCPUCount: hostCPUCount))
    }

    /// Forgets cgroups not in `live` (containers that stopped), closing their descriptors.
    package func retain(only live: Set<CgroupCounterFiles>) {
        for files in previous.keys where !live.contains(files) {
            reader.forget(files)
            previous[files] = nil
        }
    }
}
