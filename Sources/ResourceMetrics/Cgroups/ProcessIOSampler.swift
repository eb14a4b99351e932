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

        init(_ reading: ProcessIOReading) {
            identity = reading.identity
            parentPID = reading.parentPID
            counters = reading.io
        }
    }

    /// One group's last sample and the files kept open for its processes: one lookup of the
    /// group per sample.
    private final class Group {
        var takenAt: MonotonicInstant
        var entries: [Int32: Entry]
        var files: [Int32: ProcessIOFiles] = [:]

        init(takenAt: MonotonicInstant, entries: [Int32: Entry]) {
            self.takenAt = takenAt
            self.entries = entries
        }
    }

    private let procfs: Procfs
    private var groups: [String: Group] = [:]
    /// How many processes may keep their two files open between samples; 0 opens and
    /// closes them at every sample. Beyond it the rest are read that way: bounded descriptors.
    private let keptProcessLimit: Int
    private var keptCount = 0
    /// The readings of the sample being taken through kept files, reused between samples.
    private var readings: [(pid: Int32, reading: ProcessIOReading)] = []

    /// Reads under `procfs`'s root, keeping the files of up to `keptProcessLimit` processes open.
    package init(procfs: Procfs = Procfs(), keptProcessLimit: Int = 0) {
        self.procfs = procfs
        self.keptProcessLimit = keptProcessLimit
    }

    /// Reads every process of `pids` now and returns the rates since the previous call for
    /// `group` (nil on the first call). Processes that exit between listing and reading are skipped.
    package func rates(group: String, pids: [Int32], unaccountedDevices: [String]) -> ProcessIORates? {
        let takenAt = MonotonicInstant.now()
        let state = groups[group]
        let (entries, files, unreadable) = read(pids: pids, kept: state?.files ?? [:])
        guard let state else {
            let created = Group(takenAt: takenAt, entries: entries)
            created.files = files
            groups[group] = created
            return nil
        }
        state.files = files
        return rates(state, entries: entries, unreadable: unreadable, takenAt: takenAt, devices: unaccountedDevices)
    }

    /// As `rates(group:pids:unaccountedDevices:)`, calling `list` for the group's processes
    /// only when they may have changed. When every process of the previous sample is still
    /// there (read through its kept files) and their threads add up to `taskCount` (the
    /// cgroup's `pids.current`, read just before), the cgroup holds no other task: the list
    /// is the same. A process started after `taskCount` was read is listed at the next sample,
    /// with all its I/O since it started (its counters start at zero).
    package func rates(
        group: String, taskCount: UInt64?, list: () -> [Int32]?, unaccountedDevices: [String]
    ) -> ProcessIORates? {
        let takenAt = MonotonicInstant.now()
        if let taskCount, let state = groups[group], readUnchanged(state, taskCount: taskCount) {
            return unchangedRates(state, takenAt: takenAt, devices: unaccountedDevices)
        }
        guard let pids = list() else { return nil }
        return rates(group: group, pids: pids, unaccountedDevices: unaccountedDevices)
    }

    /// As `rates(group:pids:unaccountedDevices:)` for `pids` listed just now (a kept cgroup2
    /// `cgroup.procs`): while they are the last sample's processes, each read through its kept
    /// files, most need only their io file. A parent changes only when it exits: one inside
    /// the group changes the list, and then every process's stat is read again. One outside
    /// (the runtime's shim above a `docker exec`) changes nothing listed, and the new parent
    /// may be the group's init (`initPID`, the reaper of the container's processes): the stat
    /// of such processes is read at every sample. The init's own new parent is never in its group.
    package func rates(
        group: String, listed pids: [Int32], initPID: Int32?, unaccountedDevices: [String]
    ) -> ProcessIORates? {
        let takenAt = MonotonicInstant.now()
        if let state = groups[group], readListedUnchanged(state, pids: pids, initPID: initPID) {
            return unchangedRates(state, takenAt: takenAt, devices: unaccountedDevices)
        }
        return rates(group: group, pids: pids, unaccountedDevices: unaccountedDevices)
    }

    /// Reads `pids` through their kept files into `readings`, stat only where the parent may
    /// have changed unlisted: true when they are exactly the last sample's processes, all alive.
    private func readListedUnchanged(_ state: Group, pids: [Int32], initPID: Int32?) -> Bool {
        guard !pids.isEmpty, pids.count == state.files.count, pids.count == state.entries.count else { return false }
        readings.removeAll(keepingCapacity: true)
        for pid in pids {
            guard let file = state.files[pid], let entry = state.entries[pid] else { return false }
            let parentMayChangeUnlisted = pid != initPID && state.entries[entry.parentPID] == nil
            if parentMayChangeUnlisted {
                guard let reading = try? file.read(reader: procfs.reader) else { return false }
                readings.append((pid, reading))
            } else {
                guard let io = try? file.readIO(reader: procfs.reader) else { return false }
                let reading = ProcessIOReading(
                    identity: entry.identity, parentPID: entry.parentPID, threads: 0, io: io)
                readings.append((pid, reading))
            }
        }
        return true
    }

    /// Reads the group's processes through their kept files into `readings`: true when those
    /// are all of the last sample's, all still alive, and their threads are all of the
    /// cgroup's tasks.
    private func readUnchanged(_ state: Group, taskCount: UInt64) -> Bool {
        guard !state.files.isEmpty, state.entries.count == state.files.count else { return false }
        readings.removeAll(keepingCapacity: true)
        var threads: UInt64 = 0
        for (pid, file) in state.files {
            guard let reading = try? file.read(reader: procfs.reader) else { return false }
            readings.append((pid, reading))
            threads += reading.threads
        }
        return threads == taskCount
    }

    /// The rates of an unchanged group from `readings`, its entries updated in place: the same
    /// processes (each kept descriptor is bound to its process), so none vanished.
    private func unchangedRates(_ state: Group, takenAt: MonotonicInstant, devices: [String]) -> ProcessIORates? {
        let calculator = RateCalculator(from: state.takenAt, to: takenAt)
        var bytes = (read: Int64(0), written: Int64(0))
        for (pid, reading) in readings {
            if calculator != nil { Self.add(reading.io, since: state.entries[pid]?.counters, to: &bytes) }
            state.entries[pid] = Entry(reading)
        }
        state.takenAt = takenAt
        guard let calculator else { return nil }
        return Self.rates(bytes, over: calculator, devices: devices, processes: readings.count, unreadable: 0)
    }

    /// Adds what a process read and wrote since `before` (nil: since it started) to `bytes`.
    private static func add(
        _ now: ProcessIOCounters, since before: ProcessIOCounters?, to bytes: inout (read: Int64, written: Int64)
    ) {
        let before = before ?? ProcessIOCounters(readBytes: 0, writtenBytes: 0)
        bytes.read += Int64(RateCalculator.increase(from: before.readBytes, to: now.readBytes).amount)
        bytes.written += Int64(RateCalculator.increase(from: before.writtenBytes, to: now.writtenBytes).amount)
    }

    /// A group's rates from the bytes its processes read and wrote over `calculator`'s interval.
    private static func rates(
        _ bytes: (read: Int64, written: Int64), over calculator: RateCalculator, devices: [String], processes: Int,
        unreadable: Int
    ) -> ProcessIORates {
        ProcessIORates(
            unaccountedDevices: devices, readBytesPerSecond: Double(max(0, bytes.read)) / calculator.elapsedSeconds,
            writtenBytesPerSecond: Double(max(0, bytes.written)) / calculator.elapsedSeconds, processes: processes,
            unreadableProcesses: unreadable)
    }

    private func read(
        pids: [Int32], kept: [Int32: ProcessIOFiles]
    ) -> (entries: [Int32: Entry], files: [Int32: ProcessIOFiles], unreadable: Int) {
        var entries: [Int32: Entry] = [:]
        entries.reserveCapacity(pids.count)
        var unreadable = 0
        var kept = kept
        keptCount -= kept.count
        var stillKept: [Int32: ProcessIOFiles] = [:]
        for pid in pids {
            do {
                let reading = try read(pid, kept: kept.removeValue(forKey: pid), into: &stillKept)
                entries[pid] = Entry(reading)
            } catch {
                if !error.isVanished { unreadable += 1 }
            }
        }
        return (entries, stillKept, unreadable)
    }

    private func rates(
        _ state: Group, entries: [Int32: Entry], unreadable: Int, takenAt: MonotonicInstant, devices: [String]
    ) -> ProcessIORates? {
        let old = (takenAt: state.takenAt, entries: state.entries)
        state.takenAt = takenAt
        state.entries = entries
        guard let calculator = RateCalculator(from: old.takenAt, to: takenAt) else { return nil }
        var bytes = (read: Int64(0), written: Int64(0))
        for (pid, now) in entries {
            let before = old.entries[pid].flatMap { $0.identity == now.identity ? $0.counters : nil }
            Self.add(now.counters, since: before, to: &bytes)
        }
        for (pid, gone) in old.entries where entries[pid]?.identity != gone.identity {
            guard entries[gone.parentPID] != nil else { continue }
            bytes.read -= Int64(gone.counters.readBytes)
            bytes.written -= Int64(gone.counters.writtenBytes)
        }
        return Self.rates(bytes, over: calculator, devices: devices, processes: entries.count, unreadable: unreadable)
    }

    /// Forgets groups not in `live`, closing their files.
    package func retain(only live: Set<String>) {
        for (group, state) in groups where !live.contains(group) {
            keptCount -= state.files.count
            groups[group] = nil
        }
    }

    /// Files open: at most two per kept process.
    package var keptProcesses: Int { keptCount }

    /// One process's stat and io: through its kept files, else through newly opened ones kept
    /// while there is room, else opened and closed. A kept pair whose process exited fails and
    /// is replaced by one opened now (the PID may have been reused by a process of the group).
    private func read(
        _ pid: Int32, kept: ProcessIOFiles?, into stillKept: inout [Int32: ProcessIOFiles]
    ) throws(HostReadError) -> ProcessIOReading {
        if let kept, let values = try? kept.read(reader: procfs.reader) {
            stillKept[pid] = kept
            keptCount += 1
            return values
        }
        guard keptCount < keptProcessLimit else {
            let stat = try procfs.stat(TaskID(pid: pid))
            return ProcessIOReading(
                identity: stat.identity, parentPID: stat.parentPID, threads: UInt64(max(0, stat.threadCount)),
                io: try procfs.io(TaskID(pid: pid)))
        }
        let files = try ProcessIOFiles(procfs: procfs, pid: pid)
        let values = try files.read(reader: procfs.reader)
        stillKept[pid] = files
        keptCount += 1
        return values
    }
}
