/// A call-chain line of `perf script` output, e.g.
/// `\t    ffffffff8103ce3b native_safe_halt+0xb ([kernel.kallsyms])`.
///
/// Split as `stackcollapse-perf.pl` splits it (`^\s*(\w+)\s*(.+) \((.*)\)`): the dso is
/// between the last ` (` that has a `)` after it and the last `)`, so symbols that contain
/// parentheses keep them and the dso is never cut short.
struct PerfScriptFrameLine {
    var address: Range<Int>
    var symbol: Range<Int>
    var dso: Range<Int>

    /// Parses `line` (without its `\n`); nil when it is not a frame line.
    static func parse(_ line: UnsafeRawBufferPointer) -> PerfScriptFrameLine? {
        let count = line.count
        var wordStart = 0
        while wordStart < count, PerlCharacterClass.isSpace(line[wordStart]) { wordStart += 1 }
        var wordEnd = wordStart
        while wordEnd < count, PerlCharacterClass.isWord(line[wordEnd]) { wordEnd += 1 }
        guard wordEnd > wordStart else { return nil }
        var lastParen = count - 1
        while lastParen >= 0, line[lastParen] != UInt8(ascii: ")") { lastParen -= 1 }
        guard lastParen >= 2 else { return nil }
        var open = lastParen - 2
        while open >= 0, !(line[open] == 0x20 && line[open + 1] == UInt8(ascii: "(")) { open -= 1 }
        guard open >= 0 else { return nil }
        let dso = (open + 2)..<lastParen
        var symbolStart = wordEnd
        while symbolStart < count, PerlCharacterClass.isSpace(line[symbolStart]) { symbolStart += 1 }
        if open >= symbolStart + 1 {
            return PerfScriptFrameLine(address: wordStart..<wordEnd, symbol: symbolStart..<open, dso: dso)
        }
        // The regex backtracks: first into the whitespace after the address, then into the
        // address itself, so that the symbol is at least one byte long.
        let shorterStart = min(symbolStart, open - 1)
        if shorterStart >= wordEnd {
            return PerfScriptFrameLine(address: wordStart..<wordEnd, symbol: shorterStart..<open, dso: dso)
        }
        let addressEnd = min(wordEnd - 1, open - 1)
        guard addressEnd >= wordStart + 1 else { return nil }
        return PerfScriptFrameLine(address: wordStart..<addressEnd, symbol: addressEnd..<open, dso: dso)
    }
}
