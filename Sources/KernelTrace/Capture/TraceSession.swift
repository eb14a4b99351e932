#if canImport(Glibc)
import Glibc
#endif
import LinuxHost
import Synchronization

/// How a capture uses its tracefs instance.
public struct TraceSessionOptions: Sendable {
    public var tracepoints: [TracepointName]
    /// 32 MiB: with 8 MiB, three `dd bs=1` loops on 2 CPUs lost 0.7-5.6 % of their events
    /// while the copier waited for a wake-up; with 32 MiB none (docs/performance.md, issue 18).
    public static let defaultBufferSizeKBPerCPU = 32768
    /// Ring buffer per CPU, KiB.
    public var bufferSizeKBPerCPU: Int = defaultBufferSizeKBPerCPU
    /// How full (percent) a CPU's buffer is when the copier's poll wakes (`buffer_percent`).
    public var wakeupPercent = 25
    /// Overwrite the oldest events when full (flight recorder) instead of dropping new ones.
    public var overwriteOldest = false
    /// The sys filesystem ("/sys", or a fixture tree): the online CPU list.
    public var sysRoot = "/sys"

    public init(tracepoints: [TracepointName]) { self.tracepoints = tracepoints }
}

/// A configured private tracefs instance: mono clock, sized buffers, chosen events, an
/// optional PID filter. Both `record` and `snapshot` drive one.
public final class TraceSession {
    public let tracefs: Tracefs
    public let instance: TracefsInstance
    public let options: TraceSessionOptions
    public let onlineCPUs: [Int]
    /// Bytes per ring-buffer page (sub-buffer).
    public let pageSize: Int
    public private(set) var formats: [TracepointName: EventFormat] = [:]
    /// The ring-buffer size per CPU now, KiB: the option's, or larger once the buffers grew
    /// (by the draining thread, while the metadata may be written from another).
    public var bufferSizeKBPerCPU: Int { currentBufferSizeKB.load(ordering: .relaxed) }
    private let currentBufferSizeKB: Atomic<Int>
    private var eventsEnabled = false

    /// Creates the instance (cleaning stale ones) and configures everything but the events;
    /// tracing stays off until `start()`.
    public init(tracefs: Tracefs, options: TraceSessionOptions) throws(TracefsError) {
        self.tracefs = tracefs
        self.options = options
        currentBufferSizeKB = Atomic(options.bufferSizeKBPerCPU)
        instance = try TracefsInstance(tracefs: tracefs)
        let files = instance.files
        try files.write("tracing_on", "0")
        try files.write("trace_clock", "mono")
        try files.write("buffer_size_kb", String(options.bufferSizeKBPerCPU))
        try files.write("options/overwrite", options.overwriteOldest ? "1" : "0")
        // Wake the reader's poll when a CPU buffer is a quarter full (by default): three
        // quarters of headroom while it drains, instead of the kernel's default half.
        try? files.write("buffer_percent", String(options.wakeupPercent))
        onlineCPUs = Self.readOnlineCPUs(sysRoot: options.sysRoot)
        if let text = try? files.read("buffer_subbuf_size_kb"), let kb = Int(text.filter(\.isNumber)), kb > 0 {
            pageSize = kb * 1024
        } else {
            pageSize = Int(getpagesize())
        }
        for tracepoint in options.tracepoints {
            let text = try tracefs.read("\(tracepoint.directory)/format")
            do {
                formats[tracepoint] = try EventFormat.parse(text, subsystem: tracepoint.subsystem)
            } catch {
                throw TracefsError(
                    path: tracefs.path("\(tracepoint.directory)/format"), operation: "parse", detail: error.description)
            }
        }
    }

    /// Limits recording to these threads and, through `event-fork`, their future children.
    public func setPIDFilter(_ tids: [Int32]) throws(TracefsError) {
        try instance.files.write("options/event-fork", "1")
        try instance.files.write("set_event_pid", tids.map(String.init).joined(separator: " "))
    }

    /// Adds threads to the PID filter (threads that appeared after the start).
    public func addToPIDFilter(_ tids: [Int32]) throws(TracefsError) {
        guard !tids.isEmpty else { return }
        try instance.files.write("set_event_pid", tids.map(String.init).joined(separator: " "), append: true)
    }

    /// Keeps Periscope's own threads out of the trace (its statedump reads thousands of /proc
    /// files); kernels without `set_event_notrace_pid` (before 5.8) record them.
    public func excludeOwnThreads() {
        guard let tids = try? Procfs().threadIDs(of: getpid()), instance.files.exists("set_event_notrace_pid") else {
            return
        }
        try? instance.files.write("set_event_notrace_pid", tids.map(String.init).joined(separator: " "), append: true)
    }

    /// Enables the events with tracing still off, so `start()` is then a single write.
    public func enableEvents() throws(TracefsError) {
        eventsEnabled = true
        excludeOwnThreads()
        for tracepoint in options.tracepoints {
            try instance.files.write("\(tracepoint.directory)/enable", "1")
        }
    }

    /// Turns tracing on (enabling the events first if `enableEvents()` was not called).
    public func start() throws(TracefsError) {
        if !eventsEnabled { try enableEvents() }
        eventsEnabled = true
        try instance.files.write("tracing_on", "1")
    }

    public func stop() throws(TracefsError) { try instance.files.write("tracing_on", "0") }

    public func resume() throws(TracefsError) { try instance.files.write("tracing_on", "1") }

    /// Copies header_page, header_event and each event's format file into the trace directory.
    public func writeFormats(to layout: TraceDirectoryLayout) throws(TraceDirectoryError) {
        try TraceDirectoryWriter.makeDirectory(layout.formatsDirectory)
        try TraceDirectoryWriter.write(tracefsBytes("events/header_page"), to: layout.headerPagePath)
        try TraceDirectoryWriter.write(tracefsBytes("events/header_event"), to: layout.headerEventPath)
        for tracepoint in options.tracepoints {
            try TraceDirectoryWriter.makeDirectory("\(layout.formatsDirectory)/\(tracepoint.subsystem)")
            try TraceDirectoryWriter.write(
                tracefsBytes("\(tracepoint.directory)/format"), to: layout.formatPath(tracepoint))
        }
        if options.tracepoints.contains(where: { $0.subsystem == "raw_syscalls" }) {
            try writeSyscallFormats(to: layout)
        }
    }

    /// raw_syscalls events carry only the number and six raw arguments; the per-syscall
    /// formats (events/syscalls/sys_enter_NAME) name the arguments, for the CTF conversion.
    private func writeSyscallFormats(to layout: TraceDirectoryLayout) throws(TraceDirectoryError) {
        guard let names = DirectoryEntries.names(in: tracefs.path("events/syscalls")) else { return }
        try TraceDirectoryWriter.makeDirectory("\(layout.formatsDirectory)/syscalls")
        for name in names {
            guard name.hasPrefix("sys_enter_"), let bytes = try? tracefs.readBytes("events/syscalls/\(name)/format")
            else { continue }
            try TraceDirectoryWriter.write(
                bytes, to: layout.formatPath(TracepointName(subsystem: "syscalls", event: name)))
        }
    }

    private func tracefsBytes(_ relative: String) throws(TraceDirectoryError) -> [UInt8] {
        do { return try tracefs.readBytes(relative) } catch { throw .tracefs(error) }
    }

    public func cpuStats() -> [Int: CPUBufferStats] {
        var result: [Int: CPUBufferStats] = [:]
        for cpu in onlineCPUs {
            result[cpu] = (try? CPUBufferStats.read(instance: instance.files, cpu: cpu)) ?? CPUBufferStats()
        }
        return result
    }

    /// Resizes every CPU's ring buffer; tracing goes on and the events in it are kept. The
    /// pages go with the instance when it is removed.
    public func resizeBuffers(kbPerCPU: Int) throws(TracefsError) {
        try instance.files.write("buffer_size_kb", String(kbPerCPU))
        currentBufferSizeKB.store(kbPerCPU, ordering: .relaxed)
    }

    /// The recorded tracepoints with their ids, for the metadata.
    public var recordedTracepoints: [RecordedTracepoint] {
        options.tracepoints.compactMap { tracepoint in
            formats[tracepoint].map { RecordedTracepoint(name: tracepoint.description, id: $0.id) }
        }
    }

    /// Disables tracing and removes the instance.
    public func close() throws(TracefsError) {
        try instance.remove()
    }

    static func readOnlineCPUs(sysRoot: String) -> [Int] {
        if let list = try? CPUList.online(sysRoot: sysRoot), list.count > 0 { return list.cpus }
        return Array(0..<Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

extension TraceSession: BufferStatsSource {
    public var cpus: [Int] { onlineCPUs }

    public func bufferStats(cpu: Int) -> CPUBufferStats? {
        try? CPUBufferStats.read(instance: instance.files, cpu: cpu)
    }
}
