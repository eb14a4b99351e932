#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// What a profile collected.
package struct ProfileResult: Sendable {
    /// Folded stacks, root first: `[container;]command;frames...`, sorted by stack.
    package var stacks: FoldedStacks
    /// The same samples with their addresses, mappings, container, PID and command apart
    /// from the frames (what pprof carries as locations and labels).
    package var symbolizedStacks: [SymbolizedStack] = []
    /// Every sample read, kept or not.
    package var sampleCount: UInt64
    /// Samples that belong to the target.
    package var keptSampleCount: UInt64
    /// Samples the kernel dropped because a ring buffer was full (PERF_RECORD_LOST).
    package var lostSampleCount: UInt64
    /// Records that did not decode, and buffer passes dropped as corrupt.
    package var malformedRecordCount: UInt64
    /// Kept samples per container root name (`[host]` for host processes).
    package var samplesByContainer: [String: UInt64]
    /// Kept samples per host PID.
    package var samplesByPID: [Int32: UInt64]
    /// Kept samples per host TID.
    package var samplesByThread: [Int32: UInt64] = [:]
    /// How the kernel was asked to choose the sampled tasks.
    package var scope: SamplingScope = .everyTask
    /// The event sampled, and why it is not the one asked for, if it is not.
    package var event: SamplingEvent = .cpuClock
    package var eventFallbackReason: String?
    /// The CPUs sampled.
    package var cpus: [Int]
    /// Wall time sampled, in seconds.
    package var durationSeconds: Double
}

/// One distinct sampled stack of one process, symbolized.
package struct SymbolizedStack: Sendable, Equatable {
    /// The container's root frame name (`[host]` for host processes).
    package var container: String
    /// The host PID.
    package var pid: Int32
    /// The process's `comm`.
    package var command: String
    /// Root first, without the container and command root frames.
    package var frames: [SymbolizedFrame]
    /// Samples of this stack.
    package var count: UInt64

    package init(container: String, pid: Int32, command: String, frames: [SymbolizedFrame], count: UInt64) {
        self.container = container
        self.pid = pid
        self.command = command
        self.frames = frames
        self.count = count
    }
}

/// How to sample.
package struct ProfileOptions: Sendable {
    /// Samples per second per CPU (`-F`).
    package var frequencyHz: UInt64 = 99
    /// How long to sample (`-d`), in seconds.
    package var durationSeconds: Double = 10
    /// Ring buffer data pages per CPU (a power of two).
    package var dataPagesPerCPU = 64
    /// Where online CPUs are listed.
    package var onlineCPUsPath = "/sys/devices/system/cpu/online"
    /// For container targets, let the kernel sample only the containers' cgroups
    /// (PERF_FLAG_PID_CGROUP); when false or unavailable, sample every task and filter by PID.
    package var cgroupScoping = true
    /// The event; nil tries hardware cycles and falls back to cpu-clock where there is no PMU.
    package var event: SamplingEvent?

    package init() {}
}

/// Samples cpu-clock on every online CPU, symbolizes and folds the samples of the target.
///
/// The loop only counts raw call chains (a hash of a few integers per sample) and, the
/// first time a process is seen, captures what symbolizing it needs while it is alive: its
/// maps, name, namespace PID and an open descriptor on its root. Symbols are looked up once
/// per distinct chain when sampling ends, so their cost does not grow with the sample rate.
package final class ProfileSession {
    private let options: ProfileOptions
    private let attribution: SampleAttribution
    private let symbolizer: Symbolizer
    private var rawCounts: [RawStack: UInt64] = [:]

    /// A distinct sampled stack before symbolization.
    private struct RawStack: Hashable {
        var pid: Int32
        var container: String
        var instructionPointer: UInt64
        var callchain: [UInt64]
    }
    private var result = ProfileResult(
        stacks: FoldedStacks(stacks: []), sampleCount: 0, keptSampleCount: 0, lostSampleCount: 0,
        malformedRecordCount: 0, samplesByContainer: [:], samplesByPID: [:], cpus: [], durationSeconds: 0)

    package init(options: ProfileOptions, attribution: SampleAttribution, symbolizer: Symbolizer) {
        self.options = options
        self.attribution = attribution
        self.symbolizer = symbolizer
    }

    /// Reads the online CPU list.
    package static func onlineCPUs(path: String = "/sys/devices/system/cpu/online") throws(HostReadError) -> [Int] {
        try KernelFileReader().withContents(of: path) { bytes throws(HostReadError) in
            try CPUList.parse(bytes, path: path).cpus
        }
    }

    /// A ring buffer and, for cgroup-scoped events, the container all its samples belong to.
    private struct Source {
        var buffer: PerfRingBuffer
        var container: String?
    }

    /// A sample waiting for attribution; `container` is set when its event was cgroup-scoped.
    private struct PendingSample {
        var sample: PerfSample
        var container: String?
    }

    /// Samples until the duration passes or `shouldStop` returns true (checked every 100 ms).
    /// Every descriptor is closed and every buffer unmapped before this returns or throws.
    ///
    /// The loop does bounded work per pass: drain, attribute, symbolize. Inventory rescans
    /// for unknown PIDs are rate-limited, and cgroup-scoped events need none at all.
    package func run(shouldStop: () -> Bool = { SamplingStopSignal.isRequested }) throws -> ProfileResult {
        let cpus = try Self.onlineCPUs(path: options.onlineCPUsPath)
        var sources: [Source] = []
        defer { for source in sources { source.buffer.close() } }
        result.cpus = cpus
        result.event = try chooseEvent(cpu: cpus.first ?? 0)
        result.scope = try openSources(cpus: cpus, into: &sources)
        let started = monotonicNanoseconds()
        for source in sources { try source.buffer.enable() }
        let deadline = started &+ UInt64(options.durationSeconds * 1e9)
        var pollSet = sources.map { pollfd(fd: $0.buffer.fileDescriptor, events: Int16(POLLIN), revents: 0) }
        var pending: [PendingSample] = []
        while true {
            let now = monotonicNanoseconds()
            if now >= deadline || shouldStop() { break }
            let waitMilliseconds = Int32(min(100, (deadline - now) / 1_000_000 + 1))
            _ = poll(&pollSet, nfds_t(pollSet.count), waitMilliseconds)
            drain(sources, into: &pending)
            process(&pending, now: monotonicNanoseconds())
        }
        for source in sources { source.buffer.disable() }
        result.durationSeconds = Double(monotonicNanoseconds() &- started) / 1e9
        drain(sources, into: &pending)
        process(&pending, now: monotonicNanoseconds(), isFinal: true)
        let (folded, symbolized) = symbolizeStacks()
        result.stacks = FoldedStacks(
            stacks: folded.map { FoldedStack(stack: $0.key, count: $0.value) }.sorted {
                $0.stack.lexicographicallyPrecedes($1.stack)
            })
        result.symbolizedStacks = symbolized
        return result
    }

    /// Opens one event per CPU: per container cgroup when the target allows it, else one
    /// system-wide event per CPU. A cgroup event the kernel refuses for a reason other than
    /// permissions (no perf_event cgroup support, the cgroup vanished) falls back to
    /// system-wide events filtered by PID, and the scope says why.
    private func openSources(cpus: [Int], into sources: inout [Source]) throws -> SamplingScope {
        var fallbackReason = "not a container target"
        if case .containers = attribution.target {
            if !options.cgroupScoping {
                fallbackReason = "cgroup scoping turned off"
            } else if let scopes = attribution.cgroupScopes, !scopes.isEmpty {
                do {
                    try openCgroupSources(scopes, cpus: cpus, into: &sources)
                    return .cgroups(scopes.map(\.directory))
                } catch let failure as CgroupScopeUnavailable {
                    for source in sources { source.buffer.close() }
                    sources.removeAll()
                    fallbackReason = failure.reason
                }
            } else {
                fallbackReason = "a target container has no perf_event cgroup of its own"
            }
        }
        for cpu in cpus {
            sources.append(
                Source(
                    buffer: try PerfRingBuffer(
                        cpu: cpu, frequencyHz: options.frequencyHz, dataPages: options.dataPagesPerCPU,
                        event: result.event)))
        }
        if attribution.target == .all { return .everyTask }
        return .pidFilter(reason: fallbackReason)
    }

    /// The asked event, or with none asked, cycles when a probe on one CPU opens (a PMU is
    /// there) and cpu-clock otherwise. Permission errors are the caller's to see.
    private func chooseEvent(cpu: Int) throws(PerfEventOpenError) -> SamplingEvent {
        if let event = options.event { return event }
        do {
            let probe = try PerfRingBuffer(cpu: cpu, frequencyHz: options.frequencyHz, dataPages: 1, event: .cycles)
            probe.close()
            return .cycles
        } catch {
            if error.errorNumber == EACCES || error.errorNumber == EPERM {
                _ = try PerfRingBuffer(cpu: cpu, frequencyHz: options.frequencyHz, dataPages: 1, event: .cpuClock)
            }
            result.eventFallbackReason = "no hardware cycles event (\(String(cString: strerror(error.errorNumber))))"
            return .cpuClock
        }
    }

    private struct CgroupScopeUnavailable: Error {
        var reason: String
    }

    private func openCgroupSources(_ scopes: [CgroupScope], cpus: [Int], into sources: inout [Source]) throws {
        for scope in scopes {
            let directory = open(scope.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard directory >= 0 else {
                let failure = errno
                if failure == EACCES || failure == EPERM {
                    throw PerfEventOpenError(operation: "open(\(scope.directory))", errorNumber: failure)
                }
                throw CgroupScopeUnavailable(
                    reason: "cannot open \(scope.directory): \(String(cString: strerror(failure)))")
            }
            // The event holds its own reference to the cgroup; the directory is not needed after.
            defer { close(directory) }
            for cpu in cpus {
                do {
                    let buffer = try PerfRingBuffer(
                        cpu: cpu, frequencyHz: options.frequencyHz, dataPages: options.dataPagesPerCPU,
                        cgroupDescriptor: directory, event: result.event)
                    sources.append(Source(buffer: buffer, container: scope.container))
                } catch {
                    if error.errorNumber == EACCES || error.errorNumber == EPERM || error.errorNumber == EMFILE
                        || error.errorNumber == ENOMEM
                    {
                        throw error
                    }
                    throw CgroupScopeUnavailable(
                        reason:
                            "the kernel refused a cgroup-scoped event (\(String(cString: strerror(error.errorNumber))))"
                    )
                }
            }
        }
    }

    private func drain(_ sources: [Source], into pending: inout [PendingSample]) {
        for source in sources {
            let corrupt = source.buffer.drain { record in
                do {
                    switch try PerfRecord.decode(record) {
                    case .sample(let sample):
                        result.sampleCount += 1
                        pending.append(PendingSample(sample: sample, container: source.container))
                    case .lost(let count):
                        result.lostSampleCount += count
                    case .other:
                        break
                    }
                } catch {
                    result.malformedRecordCount += 1
                }
            }
            if corrupt { result.malformedRecordCount += 1 }
        }
    }

    /// Attributes and folds pending samples. Samples of cgroup-scoped events belong to their
    /// event's container. Others of PIDs the inventory does not know yet wait for a rescan
    /// (rate-limited); at the end, or when a rescan did not help, they are attributed as well
    /// as possible.
    private func process(_ pending: inout [PendingSample], now: UInt64, isFinal: Bool = false) {
        if result.scope.needsAttribution { attribution.refreshIfDue(now: now) }
        var waiting: [PendingSample] = []
        for entry in pending {
            if let container = entry.container {
                fold(entry.sample, container: container)
                continue
            }
            var verdict = attribution.verdict(pid: entry.sample.pid)
            if verdict == .unknown, attribution.resolveFromParent(pid: entry.sample.pid) {
                verdict = attribution.verdict(pid: entry.sample.pid)
            }
            if verdict == .unknown, let settled = attribution.verdictForExited(pid: entry.sample.pid) {
                verdict = settled
            }
            switch verdict {
            case .keep(let container): fold(entry.sample, container: container)
            case .drop: break
            case .unknown: waiting.append(entry)
            }
        }
        pending.removeAll(keepingCapacity: true)
        guard !waiting.isEmpty else { return }
        let rescanned = attribution.refreshForUnknown(now: now)
        for entry in waiting {
            switch attribution.verdict(pid: entry.sample.pid) {
            case .keep(let container): fold(entry.sample, container: container)
            case .drop: break
            case .unknown:
                if rescanned || isFinal {
                    // Exited before any scan saw it: for --all it is still CPU time spent.
                    if attribution.target == .all { fold(entry.sample, container: SampleAttribution.unknownName) }
                } else {
                    pending.append(entry)
                }
            }
        }
    }

    private func fold(_ sample: PerfSample, container: String) {
        result.keptSampleCount += 1
        result.samplesByContainer[container, default: 0] += 1
        result.samplesByPID[sample.pid, default: 0] += 1
        result.samplesByThread[sample.tid, default: 0] += 1
        symbolizer.prepare(pid: sample.pid)
        rawCounts[
            RawStack(
                pid: sample.pid, container: container, instructionPointer: sample.instructionPointer,
                callchain: sample.callchain), default: 0] += 1
    }

    /// Folds each distinct raw stack into `[container;]command;frames...`, and keeps it
    /// symbolized with its labels.
    private func symbolizeStacks() -> (folded: [[UInt8]: UInt64], symbolized: [SymbolizedStack]) {
        var counts: [[UInt8]: UInt64] = [:]
        counts.reserveCapacity(rawCounts.count)
        var symbolized: [SymbolizedStack] = []
        symbolized.reserveCapacity(rawCounts.count)
        let namesContainer = attribution.namesContainerInRootFrame
        for (raw, count) in rawCounts {
            var stack: [UInt8] = []
            let command = symbolizer.command(of: raw.pid)
            if namesContainer { append(raw.container, to: &stack) }
            append(command, to: &stack)
            let sample = PerfSample(
                instructionPointer: raw.instructionPointer, pid: raw.pid, tid: raw.pid, timeNanoseconds: 0, cpu: 0,
                period: 0, callchain: raw.callchain)
            let frames = symbolizer.symbolizedFrames(of: sample)
            for frame in frames { append(frame.name, to: &stack) }
            counts[stack, default: 0] += count
            symbolized.append(
                SymbolizedStack(container: raw.container, pid: raw.pid, command: command, frames: frames, count: count))
        }
        return (counts, symbolized)
    }

    /// Appends a frame; `;` and newlines would break the folded format, so they become `_`.
    private func append(_ frame: String, to stack: inout [UInt8]) {
        if !stack.isEmpty { stack.append(UInt8(ascii: ";")) }
        for byte in frame.utf8 {
            stack.append(byte == UInt8(ascii: ";") || byte == 0x0A || byte == 0x0D ? UInt8(ascii: "_") : byte)
        }
    }
}
