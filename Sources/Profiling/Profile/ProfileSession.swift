#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// What a profile collected.
public struct ProfileResult: Sendable {
    /// Folded stacks, root first: `[container;]command;frames...`, sorted by stack.
    public var stacks: FoldedStacks
    /// Every sample read, kept or not.
    public var sampleCount: UInt64
    /// Samples that belong to the target.
    public var keptSampleCount: UInt64
    /// Samples the kernel dropped because a ring buffer was full (PERF_RECORD_LOST).
    public var lostSampleCount: UInt64
    /// Records that did not decode, and buffer passes dropped as corrupt.
    public var malformedRecordCount: UInt64
    /// Kept samples per container root name (`[host]` for host processes).
    public var samplesByContainer: [String: UInt64]
    /// Kept samples per host PID.
    public var samplesByPID: [Int32: UInt64]
    /// The CPUs sampled.
    public var cpus: [Int]
    /// Wall time sampled, in seconds.
    public var durationSeconds: Double
}

/// How to sample.
public struct ProfileOptions: Sendable {
    /// Samples per second per CPU (`-F`).
    public var frequencyHz: UInt64 = 99
    /// How long to sample (`-d`), in seconds.
    public var durationSeconds: Double = 10
    /// Ring buffer data pages per CPU (a power of two).
    public var dataPagesPerCPU = 64
    /// Where online CPUs are listed.
    public var onlineCPUsPath = "/sys/devices/system/cpu/online"

    public init() {}
}

/// Samples cpu-clock on every online CPU, symbolizes and folds the samples of the target.
///
/// Symbolization happens in the loop, batch by batch, while the sampled processes are still
/// alive to have their maps and binaries read.
public final class ProfileSession {
    private let options: ProfileOptions
    private let attribution: SampleAttribution
    private let symbolizer: Symbolizer
    private var counts: [[UInt8]: UInt64] = [:]
    private var result = ProfileResult(
        stacks: FoldedStacks(stacks: []), sampleCount: 0, keptSampleCount: 0, lostSampleCount: 0,
        malformedRecordCount: 0, samplesByContainer: [:], samplesByPID: [:], cpus: [], durationSeconds: 0)

    public init(options: ProfileOptions, attribution: SampleAttribution, symbolizer: Symbolizer) {
        self.options = options
        self.attribution = attribution
        self.symbolizer = symbolizer
    }

    /// Reads the online CPU list.
    public static func onlineCPUs(path: String = "/sys/devices/system/cpu/online") throws(HostReadError) -> [Int] {
        try KernelFileReader().withContents(of: path) { bytes throws(HostReadError) in try CPUList.parse(bytes, path: path).cpus }
    }

    /// Samples until the duration passes or `shouldStop` returns true (checked every 100 ms).
    /// Every descriptor is closed and every buffer unmapped before this returns or throws.
    public func run(shouldStop: () -> Bool = { SamplingStopSignal.isRequested }) throws -> ProfileResult {
        let cpus = try Self.onlineCPUs(path: options.onlineCPUsPath)
        var buffers: [PerfRingBuffer] = []
        defer { for buffer in buffers { buffer.close() } }
        for cpu in cpus {
            buffers.append(try PerfRingBuffer(cpu: cpu, frequencyHz: options.frequencyHz, dataPages: options.dataPagesPerCPU))
        }
        result.cpus = cpus
        let started = monotonicNanoseconds()
        for buffer in buffers { try buffer.enable() }
        let deadline = started &+ UInt64(options.durationSeconds * 1e9)
        var pollSet = buffers.map { pollfd(fd: $0.fileDescriptor, events: Int16(POLLIN), revents: 0) }
        var pending: [PerfSample] = []
        while true {
            let now = monotonicNanoseconds()
            if now >= deadline || shouldStop() { break }
            let waitMilliseconds = Int32(min(100, (deadline - now) / 1_000_000 + 1))
            _ = poll(&pollSet, nfds_t(pollSet.count), waitMilliseconds)
            drain(buffers, into: &pending)
            process(&pending, now: monotonicNanoseconds())
        }
        for buffer in buffers { buffer.disable() }
        result.durationSeconds = Double(monotonicNanoseconds() &- started) / 1e9
        drain(buffers, into: &pending)
        process(&pending, now: monotonicNanoseconds(), isFinal: true)
        result.stacks = FoldedStacks(stacks: counts.map { FoldedStack(stack: $0.key, count: $0.value) }.sorted { $0.stack.lexicographicallyPrecedes($1.stack) })
        return result
    }

    private func drain(_ buffers: [PerfRingBuffer], into pending: inout [PerfSample]) {
        for buffer in buffers {
            let corrupt = buffer.drain { record in
                do {
                    switch try PerfRecord.decode(record) {
                    case .sample(let sample):
                        result.sampleCount += 1
                        pending.append(sample)
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

    /// Attributes and folds pending samples. Samples of PIDs the inventory does not know yet
    /// wait for a rescan (rate-limited); at the end, or when a rescan did not help, they are
    /// attributed as well as possible.
    private func process(_ pending: inout [PerfSample], now: UInt64, isFinal: Bool = false) {
        attribution.refreshIfDue(now: now)
        var waiting: [PerfSample] = []
        for sample in pending {
            switch attribution.verdict(pid: sample.pid) {
            case .keep(let container): fold(sample, container: container)
            case .drop: break
            case .unknown: waiting.append(sample)
            }
        }
        pending.removeAll(keepingCapacity: true)
        guard !waiting.isEmpty else { return }
        let rescanned = attribution.refreshForUnknown(now: now)
        for sample in waiting {
            switch attribution.verdict(pid: sample.pid) {
            case .keep(let container): fold(sample, container: container)
            case .drop: break
            case .unknown:
                if rescanned || isFinal {
                    // Exited before any scan saw it: for --all it is still CPU time spent.
                    if attribution.target == .all { fold(sample, container: "[unknown]") }
                } else {
                    pending.append(sample)
                }
            }
        }
    }

    private func fold(_ sample: PerfSample, container: String) {
        result.keptSampleCount += 1
        result.samplesByContainer[container, default: 0] += 1
        result.samplesByPID[sample.pid, default: 0] += 1
        var stack: [UInt8] = []
        if attribution.namesContainerInRootFrame {
            append(container, to: &stack)
        }
        append(symbolizer.command(of: sample.pid), to: &stack)
        for frame in symbolizer.frames(of: sample) { append(frame, to: &stack) }
        counts[stack, default: 0] += 1
    }

    /// Appends a frame; `;` and newlines would break the folded format, so they become `_`.
    private func append(_ frame: String, to stack: inout [UInt8]) {
        if !stack.isEmpty { stack.append(UInt8(ascii: ";")) }
        for byte in frame.utf8 {
            stack.append(byte == UInt8(ascii: ";") || byte == 0x0A || byte == 0x0D ? UInt8(ascii: "_") : byte)
        }
    }
}
