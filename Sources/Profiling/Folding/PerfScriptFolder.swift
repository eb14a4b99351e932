/// Folds `perf script` text into stacks with counts: the job of FlameGraph's
/// `stackcollapse-perf.pl`, with the same output for the same input and options.
///
/// Feed it lines (`consume(line:)`) in input order, then call `finish()`. Lines are parsed as
/// bytes in place; the only allocations are one per distinct stack. The state machine follows
/// the Perl script's, including what it does with odd input: a sample is recorded only at the
/// blank line that ends it (a capture cut after the last frame loses that sample), samples of
/// an event other than the filter are dropped, a sample with no frames counts for its command
/// alone, and a missing or zero period counts 1.
package struct PerfScriptFolder {
    /// The options the stacks are folded with.
    package let options: PerfScriptFoldOptions
    /// Lines that were neither a comment, a sample header, a frame nor blank.
    package private(set) var unrecognizedLineCount = 0
    /// Samples recorded into stacks.
    package private(set) var sampleCount = 0
    /// The event whose samples are kept: the filter, or the first event seen.
    package var keptEvent: String? { eventFilter.map { String(decoding: $0, as: UTF8.self) } }
    /// Samples dropped because their event was not the kept one.
    package private(set) var filteredSampleCount = 0

    private let cleanup: FrameNameCleanup
    private var eventFilter: [UInt8]?
    private var processName: [UInt8] = []
    private var hasProcessName = false
    private var isJavaProcess = false
    private var period: UInt64 = 1
    // The frames of the current sample, leaf first; each entry may hold several `;`-joined
    // names (inlined frames), which stay in their order when the stack is reversed.
    private var frameBytes: [UInt8] = []
    private var frameEnds: [Int] = []
    private var key: [UInt8] = []
    private var counts: [FoldedStackKey: UInt64] = [:]

    package init(options: PerfScriptFoldOptions = PerfScriptFoldOptions()) {
        self.options = options
        self.cleanup = FrameNameCleanup(options: options)
        self.eventFilter = options.eventFilter.map { Array($0.utf8) }
    }

    /// Folds a whole `perf script` file (`-` for standard input).
    package static func fold(
        path: String, options: PerfScriptFoldOptions = PerfScriptFoldOptions()
    ) throws(ProfilingInputError) -> (stacks: FoldedStacks, folder: PerfScriptFolder) {
        var folder = PerfScriptFolder(options: options)
        try LineChunkReader().forEachLine(path: path) { folder.consume(line: $0) }
        return (folder.finish(), folder)
    }

    /// Folds `perf script` text held in memory.
    package static func fold(
        text: some Collection<UInt8>, options: PerfScriptFoldOptions = PerfScriptFoldOptions()
    ) -> FoldedStacks {
        var folder = PerfScriptFolder(options: options)
        let bytes = Array(text)
        bytes.withUnsafeBytes { buffer in
            LineChunkReader.forEachLine(in: buffer) { folder.consume(line: $0) }
        }
        return folder.finish()
    }

    /// Takes one line of input, without its `\n`.
    package mutating func consume(line: UnsafeRawBufferPointer) {
        guard let first = line.first else {
            endSample()
            return
        }
        if first == UInt8(ascii: "#") { return }
        if let header = PerfScriptSampleHeader.parse(line) {
            startSample(header, line)
        } else if let frame = PerfScriptFrameLine.parse(line) {
            guard hasProcessName else { return }
            let before = frameBytes.count
            if cleanup.append(frame, of: line, isJavaProcess: isJavaProcess, to: &frameBytes) > 0 {
                frameEnds.append(frameBytes.count)
            } else {
                frameBytes.removeSubrange(before...)
            }
        } else {
            unrecognizedLineCount += 1
        }
    }

    /// The folded stacks so far, sorted by stack bytes as the Perl script sorts its keys.
    package func finish() -> FoldedStacks {
        var stacks = counts.map { FoldedStack(stack: $0.key.bytes, count: $0.value) }
        stacks.sort { $0.stack.lexicographicallyPrecedes($1.stack) }
        return FoldedStacks(stacks: stacks)
    }

    private mutating func startSample(_ header: PerfScriptSampleHeader, _ line: UnsafeRawBufferPointer) {
        if let event = header.event {
            let name = UnsafeRawBufferPointer(rebasing: line[event])
            if let filter = eventFilter {
                guard filter.elementsEqual(name) else {
                    filteredSampleCount += 1
                    return
                }
            } else {
                eventFilter = Array(name)
            }
        }
        period = 0
        if let digits = header.period {
            for byte in line[digits] {
                let (times10, overflow) = period.multipliedReportingOverflow(by: 10)
                period = overflow ? .max : times10 &+ UInt64(byte &- 0x30)
            }
        }
        if period == 0 { period = 1 }
        processName.removeAll(keepingCapacity: true)
        for byte in line[header.command] {
            processName.append(byte == 0x20 ? UInt8(ascii: "_") : byte)
        }
        isJavaProcess = processName.starts(with: "java".utf8)
        if options.includeTID || options.includePID {
            processName.append(UInt8(ascii: "-"))
            if let pid = header.processID {
                processName.append(contentsOf: line[pid])
            } else {
                processName.append(UInt8(ascii: "?"))
            }
            if options.includeTID {
                processName.append(UInt8(ascii: "/"))
                processName.append(contentsOf: line[header.threadID])
            }
        }
        hasProcessName = true
    }

    private mutating func endSample() {
        guard hasProcessName else { return }
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: processName)
        for index in frameEnds.indices.reversed() {
            let start = index == 0 ? 0 : frameEnds[index - 1]
            key.append(UInt8(ascii: ";"))
            key.append(contentsOf: frameBytes[start..<frameEnds[index]])
        }
        counts[FoldedStackKey(bytes: key), default: 0] &+= period
        sampleCount += 1
        frameBytes.removeAll(keepingCapacity: true)
        frameEnds.removeAll(keepingCapacity: true)
        hasProcessName = false
    }
}

/// A folded stack's bytes as a dictionary key, hashed in one call rather than byte by byte.
struct FoldedStackKey: Hashable {
    var bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
