/// A JIT's symbol map, `/tmp/perf-<PID>.map`: one `START SIZE name` line per compiled
/// function, addresses and sizes in hex (`0x` optional), as written by the JVM's
/// perf-map-agent, V8 `--perf-basic-prof`, .NET, LuaJIT and others.
///
/// The file comes from inside a container and is hostile input: lines that do not parse are
/// skipped, names are cut at `maximumNameBytes`, and at most `maximumEntries` are kept.
package struct PerfMap: Sendable {
    package struct Entry: Sendable, Equatable {
        package var start: UInt64
        package var size: UInt64
        package var name: String
    }

    /// Entries sorted by start; of several at one address the last written wins (JITs reuse
    /// code memory).
    package let entries: [Entry]
    /// Lines skipped as malformed.
    package let malformedLineCount: Int

    package static let maximumEntries = 2_000_000
    package static let maximumNameBytes = 1024
    /// The largest map file read.
    package static let maximumFileBytes = 128 << 20

    package init(parsing bytes: some Collection<UInt8>) {
        var parsed: [(entry: Entry, order: Int)] = []
        var malformed = 0
        var line: [UInt8] = []
        line.reserveCapacity(256)
        func finish() {
            defer { line.removeAll(keepingCapacity: true) }
            guard !line.isEmpty else { return }
            guard parsed.count < Self.maximumEntries, let entry = Self.parseLine(line) else {
                malformed += 1
                return
            }
            parsed.append((entry, parsed.count))
        }
        for byte in bytes {
            if byte == 0x0A { finish() } else if line.count < Self.maximumNameBytes + 64 { line.append(byte) }
        }
        finish()
        parsed.sort { ($0.entry.start, $0.order) < ($1.entry.start, $1.order) }
        var unique: [Entry] = []
        unique.reserveCapacity(parsed.count)
        for (entry, _) in parsed {
            if unique.last?.start == entry.start { unique[unique.count - 1] = entry } else { unique.append(entry) }
        }
        entries = unique
        malformedLineCount = malformed
    }

    /// The function whose `[start, start + size)` contains `address`.
    package func entry(containing address: UInt64) -> Entry? {
        guard let index = entries.lastIndex(startingAtOrBelow: address, start: \.start) else { return nil }
        let candidate = entries[index]
        return address - candidate.start < candidate.size ? candidate : nil
    }

    private static func parseLine(_ line: [UInt8]) -> Entry? {
        var index = 0
        func hexField() -> UInt64? {
            while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
            if index + 1 < line.count, line[index] == UInt8(ascii: "0"), line[index + 1] | 0x20 == UInt8(ascii: "x") {
                index += 2
            }
            var value: UInt64 = 0
            var digits = 0
            while index < line.count {
                guard let digit = hexDigitValue(line[index]) else {
                    return digits > 0 && digits <= 16 ? value : nil
                }
                value = value << 4 | UInt64(digit)
                digits += 1
                index += 1
            }
            return digits > 0 && digits <= 16 ? value : nil
        }
        guard let start = hexField(), index < line.count, line[index] == 0x20,
            let size = hexField(), size > 0, start &+ size > start,
            index < line.count, line[index] == 0x20
        else { return nil }
        var nameEnd = line.count
        if nameEnd > 0, line[nameEnd - 1] == 0x0D { nameEnd -= 1 }
        let nameStart = index + 1
        guard nameStart < nameEnd else { return nil }
        let name = String(decoding: line[nameStart..<min(nameEnd, nameStart + maximumNameBytes)], as: UTF8.self)
        return Entry(start: start, size: size, name: name)
    }
}
