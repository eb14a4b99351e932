/// An `EventSource` over one or more CTF 1.8 traces (an LTTng session directory with `kernel/`
/// and `ust/` traces, or a single trace directory), merged in timestamp order.
public final class CTFTraceSource: EventSource {
    public let traceDescription: TraceDescription
    /// The directories holding a `metadata` file that were found.
    public let traceDirectories: [String]
    private let traces: [CTFTrace]
    private let streamFiles: [(path: String, trace: CTFTrace)]
    /// Events of the last `run` stamped before the event delivered ahead of them.
    public private(set) var outOfOrderEventCount = 0

    public var warnings: [String] {
        outOfOrderEventCount == 0 ? [] : [EventSourceWarnings.outOfOrder(outOfOrderEventCount)]
    }

    /// Finds every CTF trace under `path` (babeltrace2 does the same) and parses its metadata.
    public init(path: String) throws {
        let directories = try CTFDirectory.traceDirectories(under: path)
        guard !directories.isEmpty else { throw CTFReaderError.noMetadata(path: path) }
        var classes = EventClassTable()
        var traces: [CTFTrace] = []
        var files: [(String, CTFTrace)] = []
        var environment: [String: String] = [:]
        var clockName = ""
        for directory in directories {
            let trace = try CTFTrace(directory: directory, classes: &classes)
            traces.append(trace)
            files += try trace.streamFiles().map { ($0, trace) }
            environment.merge(trace.metadata.environment) { first, _ in first }
            if clockName.isEmpty { clockName = trace.metadata.clocks.keys.sorted().first ?? "" }
        }
        self.traceDirectories = directories
        self.traces = traces
        self.streamFiles = files
        self.traceDescription = TraceDescription(classes: classes, clockName: clockName, environment: environment)
    }

    /// The time the trace covers, from packet headers alone (for progress), or nil when the
    /// packets do not say.
    public func timeRange() -> ClosedRange<UInt64>? {
        var lower: UInt64 = .max, upper: UInt64 = 0
        for file in streamFiles {
            guard let cursor = try? CTFStreamCursor(path: file.path, trace: file.trace),
                let range = try? cursor.packetTimeRange()
            else { continue }
            lower = min(lower, range.lowerBound)
            upper = max(upper, range.upperBound)
        }
        return lower <= upper ? lower...upper : nil
    }

    /// Whether `path` holds at least one CTF trace.
    public static func isCTFTrace(path: String) -> Bool {
        (try? CTFDirectory.traceDirectories(under: path).isEmpty == false) ?? false
    }

    public func run<Consumer: EventConsumer>(into consumer: inout Consumer) throws {
        var cursors: [CTFStreamCursor] = []
        for file in streamFiles {
            let cursor = try CTFStreamCursor(path: file.path, trace: file.trace)
            if try cursor.advance() { cursors.append(cursor) }
        }
        var description = traceDescription
        description.cpuCount = (cursors.map(\.cpu).max() ?? -1) + 1
        consumer.begin(description)
        var merge = CTFEventMerge(cursors: cursors, classes: description.classes)
        defer {
            outOfOrderEventCount = merge.outOfOrderEventCount
            merge.deallocate()
        }
        try merge.run(into: &consumer)
    }
}
