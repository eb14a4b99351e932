/// One folded stack: frames from the root down, and how many samples ended in it.
package struct FoldedStack: Sendable, Hashable {
    /// The frames joined by `;`, root first, as bytes: symbols are not always valid UTF-8
    /// and the folded text must round-trip byte for byte.
    package var stack: [UInt8]
    /// The samples (or the sum of the periods) of this stack.
    package var count: UInt64

    package init(stack: [UInt8], count: UInt64) {
        self.stack = stack
        self.count = count
    }

    package init(frames: [String], count: UInt64) {
        self.stack = Array(frames.joined(separator: ";").utf8)
        self.count = count
    }

    /// The frames, root first (invalid UTF-8 replaced).
    package var frames: [String] {
        stack.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
    }
}

/// Folded stacks, the `frame;frame;frame count` lines that `flamegraph.pl` reads.
package struct FoldedStacks: Sendable, Equatable {
    /// The stacks, in the order they were read or folded.
    package var stacks: [FoldedStack]
    /// Lines of a parsed file that were not `stack count` (blank lines are not counted).
    package var ignoredLineCount: Int

    package init(stacks: [FoldedStack], ignoredLineCount: Int = 0) {
        self.stacks = stacks
        self.ignoredLineCount = ignoredLineCount
    }

    /// The sum of all counts.
    package var totalCount: UInt64 {
        stacks.reduce(0) { $0 &+ $1.count }
    }

    /// Reads a folded-stacks file (`-` for standard input).
    /// Throws on a count, or a sum of counts, beyond 2^64-1: clamping would draw a wrong graph.
    package static func read(path: String) throws(ProfilingInputError) -> FoldedStacks {
        var stacks: [FoldedStack] = []
        let ignored = try FoldedStacksParser.read(path: path) {
            stacks.append(FoldedStack(stack: Array($0), count: $1))
        }
        return FoldedStacks(stacks: stacks, ignoredLineCount: ignored)
    }

    /// Parses folded-stacks text held in memory (`name` stands for it in errors).
    package static func parse(
        _ text: some Collection<UInt8>, name: String = "folded stacks"
    ) throws(ProfilingInputError) -> FoldedStacks {
        var parser = FoldedStacksParser()
        var stacks: [FoldedStack] = []
        Array(text).withUnsafeBytes { buffer in
            LineChunkReader.forEachLine(in: buffer) { line in
                parser.consume(line: line) { stacks.append(FoldedStack(stack: Array($0), count: $1)) }
            }
        }
        return FoldedStacks(stacks: stacks, ignoredLineCount: try parser.finish(source: name))
    }

    /// The folded text: one `stack count` line per stack, in the current order.
    package func text() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(stacks.reduce(0) { $0 + $1.stack.count + 12 })
        for stack in stacks {
            output.append(contentsOf: stack.stack)
            output.append(UInt8(ascii: " "))
            output.append(contentsOf: String(stack.count).utf8)
            output.append(UInt8(ascii: "\n"))
        }
        return output
    }
}

/// Reads `stack count` lines as `flamegraph.pl` does: the count is the number after the last
/// whitespace (a fraction is rounded), the stack is everything before that one whitespace byte.
struct FoldedStacksParser {
    /// Lines that were not `stack count` (blank lines are not counted).
    private(set) var ignoredLineCount = 0
    /// The first line whose count does not fit in 64 bits, or makes the total overflow; the
    /// lines after it are not parsed.
    private(set) var problem: (line: Int, reason: String)?
    private var lineNumber = 0
    private var total: UInt64 = 0

    /// Reads the lines of `path` (`-` for standard input) and calls `stack` with each stack's
    /// bytes (valid only during the call) and count; returns the number of ignored lines.
    static func read(
        path: String, _ stack: (UnsafeRawBufferPointer, UInt64) -> Void
    ) throws(ProfilingInputError) -> Int {
        var parser = FoldedStacksParser()
        try LineChunkReader().forEachLine(path: path) { parser.consume(line: $0, stack) }
        return try parser.finish(source: path)
    }

    /// After the last line: the number of ignored lines, or the first problem as an error
    /// naming `source`.
    func finish(source: String) throws(ProfilingInputError) -> Int {
        if let problem {
            throw ProfilingInputError(path: source, line: problem.line, reason: problem.reason)
        }
        return ignoredLineCount
    }

    /// Parses one line; a `stack count` line is handed to `stack`.
    mutating func consume(line: UnsafeRawBufferPointer, _ stack: (UnsafeRawBufferPointer, UInt64) -> Void) {
        lineNumber += 1
        guard problem == nil else { return }
        var end = line.count
        if end > 0, line[end - 1] == 0x0D { end -= 1 }
        guard end > 0 else { return }
        var fractionStart = end
        var index = end
        while index > 0, PerlCharacterClass.isDigit(line[index - 1]) { index -= 1 }
        if index > 0, line[index - 1] == UInt8(ascii: ".") {
            fractionStart = index - 1
            index -= 1
            while index > 0, PerlCharacterClass.isDigit(line[index - 1]) { index -= 1 }
        }
        let integerEnd = fractionStart
        guard index < integerEnd, index > 0, PerlCharacterClass.isSpace(line[index - 1]) else {
            ignoredLineCount += 1
            return
        }
        var count: UInt64 = 0
        var fits = true
        for byte in line[index..<integerEnd] {
            let (times10, overflowed) = count.multipliedReportingOverflow(by: 10)
            let (next, carried) = times10.addingReportingOverflow(UInt64(byte &- 0x30))
            count = next
            fits = fits && !overflowed && !carried
        }
        if fits, fractionStart + 1 < end, line[fractionStart + 1] >= UInt8(ascii: "5") {
            let (rounded, carried) = count.addingReportingOverflow(1)
            count = rounded
            fits = !carried
        }
        guard fits else {
            let digits = String(decoding: UnsafeRawBufferPointer(rebasing: line[index..<end]), as: UTF8.self)
            problem = (lineNumber, "count \(digits) is larger than \(UInt64.max)")
            return
        }
        let (sum, overflowed) = total.addingReportingOverflow(count)
        guard !overflowed else {
            problem = (lineNumber, "the counts add up to more than \(UInt64.max)")
            return
        }
        total = sum
        stack(UnsafeRawBufferPointer(rebasing: line[0..<(index - 1)]), count)
    }
}
