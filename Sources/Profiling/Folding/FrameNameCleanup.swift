#if canImport(Glibc)
import Glibc
#endif

/// Turns the symbol of one `perf script` frame into folded-stack frame names, with the
/// cleanup rules of `stackcollapse-perf.pl`:
///
/// - a trailing `+0x<hex>` offset is dropped (perf prints it since Linux 4.8);
/// - a symbol starting with `(` is a process name, not a frame, and yields nothing;
/// - `a->b` (perf's inlined frames) becomes `a;b_[i]`;
/// - `[unknown]` becomes `[dso basename]`, or `[unknown]` when the dso is unknown too, with
///   the address inside when asked (`[libc.so.6 <7f12ab>]`);
/// - `;` becomes `:` (it separates frames), everything from the first `(` on is dropped
///   (argument lists) except in `(anonymous namespace)` and in Go method names such as
///   `net/http.(*Client).Do`, and quotes are removed;
/// - in processes whose name starts with `java`, `Lorg/foo/Bar` loses its leading `L`;
/// - annotations `_[k]` (kernel) and `_[j]` (JIT perf map) when enabled.
struct FrameNameCleanup {
    let options: PerfScriptFoldOptions

    /// Appends the cleaned frame names of `frame` to `output`, joined with `;`, and returns
    /// how many names were appended (zero for skipped frames).
    func append(
        _ frame: PerfScriptFrameLine, of line: UnsafeRawBufferPointer, isJavaProcess: Bool,
        to output: inout [UInt8]
    ) -> Int {
        var symbolEnd = frame.symbol.upperBound
        let symbolStart = frame.symbol.lowerBound
        var hexStart = symbolEnd
        while hexStart > symbolStart, PerlCharacterClass.isLowerHexDigit(line[hexStart - 1]) { hexStart -= 1 }
        if hexStart < symbolEnd, hexStart - symbolStart >= 3, line[hexStart - 1] == UInt8(ascii: "x"),
            line[hexStart - 2] == UInt8(ascii: "0"), line[hexStart - 3] == UInt8(ascii: "+")
        {
            symbolEnd = hexStart - 3
        }
        if symbolEnd > symbolStart, line[symbolStart] == UInt8(ascii: "(") { return 0 }

        // Perl's split drops trailing empty pieces; find the last non-empty one first.
        var pieces: [Range<Int>] = []
        var pieceStart = symbolStart
        var index = symbolStart
        while index + 1 < symbolEnd {
            if line[index] == UInt8(ascii: "-"), line[index + 1] == UInt8(ascii: ">") {
                pieces.append(pieceStart..<index)
                index += 2
                pieceStart = index
            } else {
                index += 1
            }
        }
        if pieces.isEmpty {
            guard symbolEnd > symbolStart else { return 0 }
            appendPiece(
                symbolStart..<symbolEnd, inlineIndex: 0, frame: frame, line: line, isJavaProcess: isJavaProcess,
                to: &output)
            return 1
        }
        pieces.append(pieceStart..<symbolEnd)
        while let last = pieces.last, last.isEmpty { pieces.removeLast() }
        for (pieceIndex, piece) in pieces.enumerated() {
            if pieceIndex > 0 { output.append(UInt8(ascii: ";")) }
            appendPiece(
                piece, inlineIndex: pieceIndex, frame: frame, line: line, isJavaProcess: isJavaProcess, to: &output)
        }
        return pieces.count
    }

    private func appendPiece(
        _ piece: Range<Int>, inlineIndex: Int, frame: PerfScriptFrameLine, line: UnsafeRawBufferPointer,
        isJavaProcess: Bool, to output: inout [UInt8]
    ) {
        let start = output.count
        if Self.equals(line, piece, "[unknown]") {
            output.append(UInt8(ascii: "["))
            if Self.equals(line, frame.dso, "[unknown]") {
                output.append(contentsOf: "unknown".utf8)
            } else {
                var base = frame.dso.upperBound
                while base > frame.dso.lowerBound, line[base - 1] != UInt8(ascii: "/") { base -= 1 }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[base..<frame.dso.upperBound]))
            }
            if options.includeAddresses {
                output.append(contentsOf: " <".utf8)
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[frame.address]))
                output.append(UInt8(ascii: ">"))
            }
            output.append(UInt8(ascii: "]"))
            let tidied = output.withUnsafeMutableBufferPointer { buffer in
                let name = UnsafeMutableBufferPointer(rebasing: buffer[start...])
                return Self.tidy(UnsafeRawBufferPointer(name), into: name)
            }
            output.removeLast(output.count - start - tidied)
        } else {
            let source = UnsafeRawBufferPointer(rebasing: line[piece])
            if !Self.needsTidying(source) {
                // The common case (a plain C or kernel symbol): one bulk copy.
                output.append(contentsOf: source)
            } else {
                Self.appendTidied(source, to: &output)
            }
        }
        if isJavaProcess, output.count > start, output[start] == UInt8(ascii: "L"),
            output[start...].contains(UInt8(ascii: "/"))
        {
            output.remove(at: start)
        }
        if inlineIndex > 0 {
            if !Self.contains(output, from: start, "_[i]") { output.append(contentsOf: "_[i]".utf8) }
        } else if options.annotateKernel, isKernel(frame.dso, line) {
            output.append(contentsOf: "_[k]".utf8)
        } else if options.annotateJIT, Self.isPerfMap(UnsafeRawBufferPointer(rebasing: line[frame.dso])) {
            if !Self.contains(output, from: start, "_[j]") { output.append(contentsOf: "_[j]".utf8) }
        }
    }

    @inline(__always)
    private static func needsTidying(_ name: UnsafeRawBufferPointer) -> Bool {
        for byte in name
        where byte == UInt8(ascii: ";") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
        {
            return true
        }
        return false
    }

    private static func appendTidied(_ source: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        let cut = argumentListStart(source)
        for byte in source[..<cut] {
            switch byte {
            case UInt8(ascii: ";"): output.append(UInt8(ascii: ":"))
            case UInt8(ascii: "\""), UInt8(ascii: "'"): continue
            default: output.append(byte)
            }
        }
    }

    /// Applies the `;`, argument-list and quote rules in place; returns the new length.
    private static func tidy(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let cut = argumentListStart(source)
        var length = 0
        for index in 0..<cut {
            let byte = source[index]
            switch byte {
            case UInt8(ascii: ";"): target[length] = UInt8(ascii: ":"); length += 1
            case UInt8(ascii: "\""), UInt8(ascii: "'"): continue
            default: target[length] = byte; length += 1
            }
        }
        return length
    }

    /// Where the argument list starts: the first `(` not opening `(anonymous namespace)`,
    /// or the end when there is none or the name looks like a Go method (`.(` ... `).`).
    static func argumentListStart(_ name: UnsafeRawBufferPointer) -> Int {
        let count = name.count
        guard let base = name.baseAddress, let paren = memchr(base, Int32(UInt8(ascii: "(")), count) else {
            return count
        }
        let firstParen = base.distance(to: UnsafeRawPointer(paren))
        if let goOpen = firstIndex(of: ".(", in: name, from: 0), firstIndex(of: ").", in: name, from: goOpen + 2) != nil
        {
            return count
        }
        var index = firstParen
        while index < count {
            if name[index] == UInt8(ascii: "("), !hasPrefix(name, at: index + 1, "anonymous namespace)") {
                return index
            }
            index += 1
        }
        return count
    }

    private func isKernel(_ dso: Range<Int>, _ line: UnsafeRawBufferPointer) -> Bool {
        let name = UnsafeRawBufferPointer(rebasing: line[dso])
        let looksKernel = name.first == UInt8(ascii: "[") || Self.hasSuffix(name, "vmlinux")
        return looksKernel && Self.firstIndex(of: "unknown", in: name, from: 0) == nil
    }

    /// True for `.../tmp/perf-<digits>.map...`, the perf map of a JIT.
    static func isPerfMap(_ dso: UnsafeRawBufferPointer) -> Bool {
        var from = 0
        while let start = firstIndex(of: "/tmp/perf-", in: dso, from: from) {
            var index = start + 10
            let digitsStart = index
            while index < dso.count, PerlCharacterClass.isDigit(dso[index]) { index += 1 }
            if index > digitsStart, hasPrefix(dso, at: index, ".map") { return true }
            from = start + 1
        }
        return false
    }

    private static func equals(_ line: UnsafeRawBufferPointer, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && hasPrefix(line, at: range.lowerBound, literal)
    }

    static func hasPrefix(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard offset >= 0, offset + length <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for index in 0..<length where bytes[offset + index] != pointer[index] { return false }
        return true
    }

    private static func hasSuffix(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        hasPrefix(bytes, at: bytes.count - literal.utf8CodeUnitCount, literal)
    }

    static func firstIndex(of literal: StaticString, in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        let length = literal.utf8CodeUnitCount
        var index = from
        while index + length <= bytes.count {
            if hasPrefix(bytes, at: index, literal) { return index }
            index += 1
        }
        return nil
    }

    private static func contains(_ output: [UInt8], from start: Int, _ literal: StaticString) -> Bool {
        output.withUnsafeBytes { bytes in
            firstIndex(of: literal, in: UnsafeRawBufferPointer(rebasing: bytes[start...]), from: 0) != nil
        }
    }
}
