/// The first line of a sample in `perf script` output, e.g.
/// `V8 WorkerThread 24636/25607 [000] 94564.109216:    100 cycles:`.
///
/// The fields are located exactly where `stackcollapse-perf.pl` finds them, including its
/// quirks: the command is the shortest prefix (at least two bytes, not starting with
/// whitespace) followed by whitespace and a `PID[/TID]` number, so a command may contain
/// spaces; a TID of `0` means "no TID" (the PID becomes `?`); the event is the last
/// whitespace-separated token, which must end in `:`, and the period the number before it
/// when that number follows a `:`.
struct PerfScriptSampleHeader {
    var command: Range<Int>
    var processID: Range<Int>?
    var threadID: Range<Int>
    var period: Range<Int>?
    var event: Range<Int>?

    /// Parses `line` (without its `\n`); nil when it is not a sample header.
    static func parse(_ line: UnsafeRawBufferPointer) -> PerfScriptSampleHeader? {
        let count = line.count
        guard count >= 3, !PerlCharacterClass.isSpace(line[0]) else { return nil }
        var end = 2
        while end < count {
            guard PerlCharacterClass.isSpace(line[end]) else { end += 1; continue }
            var position = end
            while position < count, PerlCharacterClass.isSpace(line[position]) { position += 1 }
            var digitsEnd = position
            while digitsEnd < count, PerlCharacterClass.isDigit(line[digitsEnd]) { digitsEnd += 1 }
            if digitsEnd > position {
                var slashesEnd = digitsEnd
                while slashesEnd < count, line[slashesEnd] == UInt8(ascii: "/") { slashesEnd += 1 }
                var secondEnd = slashesEnd
                while secondEnd < count, PerlCharacterClass.isDigit(line[secondEnd]) { secondEnd += 1 }
                if secondEnd < count, PerlCharacterClass.isSpace(line[secondEnd]) {
                    let first = position..<digitsEnd
                    let second = slashesEnd..<secondEnd
                    var header: PerfScriptSampleHeader
                    if second.isEmpty || (second.count == 1 && line[second.lowerBound] == UInt8(ascii: "0")) {
                        header = PerfScriptSampleHeader(command: 0..<end, processID: nil, threadID: first)
                    } else {
                        header = PerfScriptSampleHeader(command: 0..<end, processID: first, threadID: second)
                    }
                    header.findPeriodAndEvent(line)
                    return header
                }
            }
            // Every start inside this whitespace run ends at the same place: skip the run.
            end = max(position, end + 1)
        }
        return nil
    }

    private mutating func findPeriodAndEvent(_ line: UnsafeRawBufferPointer) {
        var tokenEnd = line.count
        while tokenEnd > 0, PerlCharacterClass.isSpace(line[tokenEnd - 1]) { tokenEnd -= 1 }
        guard tokenEnd > 0, line[tokenEnd - 1] == UInt8(ascii: ":") else { return }
        var tokenStart = tokenEnd
        while tokenStart > 0, !PerlCharacterClass.isSpace(line[tokenStart - 1]) { tokenStart -= 1 }
        guard tokenEnd - tokenStart >= 2, tokenStart > 0 else { return }
        var digitsEnd = tokenStart
        while digitsEnd > 0, PerlCharacterClass.isSpace(line[digitsEnd - 1]) { digitsEnd -= 1 }
        var digitsStart = digitsEnd
        while digitsStart > 0, PerlCharacterClass.isDigit(line[digitsStart - 1]) { digitsStart -= 1 }
        var colon = digitsStart
        if digitsStart < digitsEnd {
            while colon > 0, PerlCharacterClass.isSpace(line[colon - 1]) { colon -= 1 }
        }
        guard colon > 0, line[colon - 1] == UInt8(ascii: ":") else { return }
        event = tokenStart..<(tokenEnd - 1)
        period = digitsStart < digitsEnd ? digitsStart..<digitsEnd : nil
    }
}
