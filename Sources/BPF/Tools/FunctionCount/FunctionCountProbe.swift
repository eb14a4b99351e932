import CLinuxSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// funccount.bpf.c loaded and attached to every target: hits counted in the kernel per
/// (caller's cgroup, caller's process, probe).
///
/// One program per context type is loaded and linked to each probe with the probe's index as
/// the link's cookie. Every link is a descriptor of this process: `close()`, or the process
/// ending however it ends, detaches them all, and the uprobes (private to their perf events)
/// go with them.
package final class FunctionCountProbe {
    /// A counter's key.
    package struct Key: Hashable, Sendable {
        /// The caller's cgroup v2 id.
        package var cgroupID: UInt64
        package var processID: Int32
        /// The index of the probe in `FunctionCountTargets.targets`.
        package var probe: Int
    }

    package let targets: FunctionCountTargets
    let maps: [BPFMap]
    let programs: [BPFProgram]
    package private(set) var links: [PerfEventLink] = []
    let counts: BPFMap
    let dropped: BPFMap
    /// Each key's counter at the previous read.
    var lastTotals: [Key: UInt64] = [:]

    /// Loads the object and attaches one probe per target; on any failure everything attached
    /// or loaded so far is closed before the error is thrown.
    package init(
        targets: FunctionCountTargets, tracefs: String = "/sys/kernel/tracing", sysfs: String = "/sys"
    )
        throws(BPFError)
    {
        guard let data = Data(base64Encoded: FunccountObject.base64, options: .ignoreUnknownCharacters) else {
            throw .object(.corrupt("FunccountObject.base64 is not base64: regenerate with scripts/generate-bpf.sh"))
        }
        let object: BPFObjectFile
        do { object = try BPFObjectFile(contents: [UInt8](data)) } catch { throw .object(error) }
        let needsUprobes = targets.targets.contains {
            if case .userFunction = $0.place { return true }
            return false
        }
        var pmu: UprobePMU?
        if needsUprobes { pmu = try UprobePMU.read(sysfs: sysfs) }
        try Self.raiseDescriptorLimit(toHold: targets.targets.count)

        var maps: [String: BPFMap] = [:]
        var programs: [String: BPFProgram] = [:]
        var links: [PerfEventLink] = []
        func closeAll() {
            for link in links { link.close() }
            for program in programs.values { program.close() }
            for map in maps.values { map.close() }
        }
        do throws(BPFError) {
            for spec in object.maps { maps[spec.name] = try BPFMap(spec) }
            func program(_ section: String, type: UInt32) throws(BPFError) -> BPFProgram {
                if let loaded = programs[section] { return loaded }
                guard let spec = object.program(inSection: section) else {
                    throw .object(.missingSection(section))
                }
                let loaded = try BPFProgram(spec, type: type, license: object.license, maps: maps)
                programs[section] = loaded
                return loaded
            }
            for (index, target) in targets.targets.enumerated() {
                switch target.place {
                case .tracepoint(let subsystem, let event):
                    links.append(
                        try PerfEventLink.tracepoint(
                            program: try program("tracepoint", type: periscope_bpf_prog_type_tracepoint),
                            subsystem: subsystem, event: event, cookie: UInt64(index), tracefs: tracefs))
                case .userFunction(let fileOffset):
                    guard let binary = targets.binary, let pmu else { throw .object(.missingSection("uprobe")) }
                    links.append(
                        try PerfEventLink.uprobe(
                            program: try program("uprobe", type: periscope_bpf_prog_type_kprobe), pmu: pmu,
                            path: binary.kernelPath, fileOffset: fileOffset, cookie: UInt64(index),
                            what: "\(binary.path):\(target.name)"))
                }
            }
            guard let counts = maps["counts"], let dropped = maps["dropped"] else {
                throw .unknownMap(program: "funccount", map: "counts")
            }
            self.counts = counts
            self.dropped = dropped
        } catch {
            closeAll()
            throw error
        }
        self.targets = targets
        self.maps = Array(maps.values)
        self.programs = Array(programs.values)
        self.links = links
        // The uprobes hold the file now.
        targets.binary?.close()
    }

    deinit { close() }

    /// The hits since the last call.
    ///
    /// Counters are not cleared by read-then-delete (`BPFMap.drain`): a hit landing between the
    /// two system calls would be lost, and at a million calls a second that lost a few per read
    /// (measured: 7 of 1,000,000). They keep counting in the kernel and the difference from the
    /// previous read is reported. A key is deleted only once its process has exited, checked
    /// before its last value is read, so no hit can follow that read.
    package func drain() throws(BPFError) -> [Key: UInt64] {
        var countsByKey: [Key: UInt64] = [:]
        for key in try counts.keys() where key.count == 16 {
            let decoded = Key(
                cgroupID: MapBytes.integer(key, at: 0, bytes: 8),
                processID: Int32(bitPattern: UInt32(MapBytes.integer(key, at: 8, bytes: 4))),
                probe: Int(MapBytes.integer(key, at: 12, bytes: 4)))
            let exited = kill(decoded.processID, 0) != 0 && errno == ESRCH
            guard let value = try counts.value(forKey: key), value.count == 8 else { continue }
            let total = MapBytes.integer(value, at: 0, bytes: 8)
            let previous = lastTotals[decoded] ?? 0
            // Smaller than before: the key was deleted and created again (a reused PID).
            let delta = total >= previous ? total - previous : total
            if delta > 0 { countsByKey[decoded, default: 0] += delta }
            if exited {
                try counts.delete(key: key)
                lastTotals[decoded] = nil
            } else {
                lastTotals[decoded] = total
            }
        }
        return countsByKey
    }

    /// Hits not counted since the start because the counter map was full (one entry per
    /// cgroup, process and probe; 32768 entries between two reads).
    package func droppedHits() throws(BPFError) -> UInt64 {
        guard let value = try dropped.value(forKey: [0, 0, 0, 0]), value.count == 8 else { return 0 }
        return MapBytes.integer(value, at: 0, bytes: 8)
    }

    /// Detaches every probe, then closes programs and maps (idempotent; also done by deinit).
    package func close() {
        for link in links { link.close() }
        links.removeAll()
        for program in programs { program.close() }
        for map in maps { map.close() }
    }

    /// One descriptor per probe: raises the soft RLIMIT_NOFILE (often 1024) when the probes
    /// and a margin would not fit, as bpftrace does.
    static func raiseDescriptorLimit(toHold probes: Int) throws(BPFError) {
        var hardLimit: UInt64 = 0
        let result = periscope_raise_open_files_limit(UInt64(probes + 256), &hardLimit)
        if result == -EMFILE {
            throw .systemCall(
                operation: "attaching \(probes) probes", errorNumber: EMFILE,
                advice:
                    "One descriptor per probe is needed and the hard limit of open files is \(hardLimit): raise it (ulimit -Hn) or narrow the pattern."
            )
        }
    }
}
