import LinuxHost

/// A container's storage I/O from its processes' `/proc/PID/io` between two samples: the
/// fallback when cgroup v1 blkio does not account a device (`BlockIOAccounting`). Bytes only,
/// all devices together: the per-process counters split neither by device nor by request.
package struct ProcessIORates: Sendable, Equatable, Codable {
    /// Where the figures come from, for output that must say it.
    package var source = "/proc/PID/io"
    /// The disks blkio does not account, the reason for the fallback.
    package var unaccountedDevices: [String]
    /// `read_bytes` per second, summed over the processes.
    package var readBytesPerSecond: Double
    /// `write_bytes` per second, summed over the processes.
    package var writtenBytesPerSecond: Double
    /// Processes read at the newer sample.
    package var processes: Int
    /// Processes whose io file could not be read (it needs ptrace access: root).
    package var unreadableProcesses: Int

    /// Creates a value from its fields.
    package init(
        unaccountedDevices: [String], readBytesPerSecond: Double, writtenBytesPerSecond: Double, processes: Int,
        unreadableProcesses: Int = 0
    ) {
        self.unaccountedDevices = unaccountedDevices
        self.readBytesPerSecond = readBytesPerSecond
        self.writtenBytesPerSecond = writtenBytesPerSecond
        self.processes = processes
        self.unreadableProcesses = unreadableProcesses
    }
}

/// Samples `/proc/PID/io` of groups of processes and turns pairs of samples into per-group
/// byte rates. Not thread-safe.
///
/// A child's counts move into its parent's when the parent reaps it: a process that vanished
/// while its parent is still in the group had its last-seen counts counted already, so they
/// are taken off the parent's jump. A process that vanished with its parent outside the group
/// (the container's init, a `docker exec`) loses its last interval's I/O.
package final class ProcessIOSampler {
    private struct Entry {
        var identity: ProcessIdentity
        var parentPID: Int32
        var counters: ProcessIOCounters
    }

    private let procfs: Procfs
    private var previous: [String: (takenAt: MonotonicInstant, entries: [Int32: Entry])] = [:]

    /// Reads under `procfs`'s root.
    package init(procfs: Procfs = Procfs()) { self.procfs = procfs }

    /// Reads every process of `pids` now and returns the rates since the previous call for
    /// `group` (nil on the first call). Processes that exit between listing and reading are skipped.
    package func rates(group: String, pids: [Int32], unaccountedDevices: [String]) -> ProcessIORates? {
        let takenAt = MonotonicInstant.now()
        var entries: [Int32: Entry] = [:]
        var unreadable = 0
        for pid in pids {
            do {
                let stat = try procfs.stat(TaskID(pid: pid))
                entries[pid] = Entry(
                    identity: stat.identity, parentPID: stat.parentPID, counters: try procfs.io(TaskID(pid: pid)))
            } catch {
                if !error.isVanished { unreadable += 1 }
            }
        }
        defer { previous[group] = (takenAt, entries) }
        guard let old = previous[group], let calculator = RateCalculator(from: old.takenAt, to: takenAt) else {
            return nil
        }
        var read: Int64 = 0, written: Int64 = 0
        for (pid, now) in entries {
            let before =
                old.entries[pid].flatMap { $0.identity == now.identity ? $0.counters : nil }
                ?? ProcessIOCounters(readBytes: 0, writtenBytes: 0)
            read += Int64(RateCalculator.increase(from: before.readBytes, to: now.counters.readBytes).amount)
            written += Int64(RateCalculator.increase(from: before.writtenBytes, to: now.counters.writtenBytes).amount)
        }
        for (pid, gone) in old.entries where entries[pid]?.identity != gone.identity {
            guard entries[gone.parentPID] != nil else { continue }
            read -= Int64(gone.counters.readBytes)
            written -= Int64(gone.counters.writtenBytes)
        }
        return ProcessIORates(
            unaccountedDevices: unaccountedDevices,
            readBytesPerSecond: Double(max(0, read)) / calculator.elapsedSeconds,
            writtenBytesPerSecond: Double(max(0, written)) / calculator.elapsedSeconds, processes: entries.count,
            unreadableProcesses: unreadable)
    }

    /// Forgets groups not in `live`.
    package func retain(only live: Set<String>) {
        for group in previous.keys where !live.contains(group) { previous[group] = nil }
    }
}
