/// The executable mappings of one process, from `/proc/PID/maps`.
package struct ProcessMappings: Sendable {
    /// One `start-end perms offset dev inode path` line with `x` permission.
    package struct Mapping: Sendable, Equatable {
        package var start: UInt64
        package var end: UInt64
        /// The file offset mapped at `start`.
        package var fileOffset: UInt64
        /// The inode (0 for anonymous memory).
        package var inode: UInt64
        /// The path as the kernel shows it inside the process's mount namespace; empty for
        /// anonymous memory, `[vdso]` and friends for special mappings.
        package var path: String
    }

    /// Executable mappings, ascending by start.
    package let mappings: [Mapping]

    /// Parses maps text; lines that do not parse are skipped (the file is from the kernel,
    /// but a process may exit mid-read and leave a truncated line).
    package init(parsing text: String) {
        var text = text
        self = text.withUTF8 { ProcessMappings(parsing: UnsafeRawBufferPointer($0)) }
    }

    /// Parses maps bytes field by field without making a String per line or field: only the
    /// paths of executable mappings become Strings (a compiler's maps has hundreds of lines,
    /// read the first time each process is sampled).
    package init(parsing bytes: UnsafeRawBufferPointer) {
        var found: [Mapping] = []
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            if let mapping = Self.executableMapping(bytes, lineStart..<lineEnd) { found.append(mapping) }
            lineStart = lineEnd + 1
        }
        mappings = found.sorted { $0.start < $1.start }
    }

    /// `start-end perms offset dev inode [path]`, when perms has `x` and the numbers parse.
    private static func executableMapping(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) -> Mapping? {
        var fields: [Range<Int>] = []
        fields.reserveCapacity(5)
        var index = line.lowerBound
        // The first five space-separated fields; the rest of the line, less its leading
        // spaces, is the path.
        while fields.count < 5 {
            while index < line.upperBound, bytes[index] == 0x20 { index += 1 }
            guard index < line.upperBound else { return nil }
            let start = index
            while index < line.upperBound, bytes[index] != 0x20 { index += 1 }
            fields.append(start..<index)
        }
        let perms = fields[1]
        guard perms.count >= 3, bytes[perms.lowerBound + 2] == UInt8(ascii: "x") else { return nil }
        guard let dash = fields[0].first(where: { bytes[$0] == UInt8(ascii: "-") }),
            let start = hexadecimal(bytes, fields[0].lowerBound..<dash),
            let end = hexadecimal(bytes, (dash + 1)..<fields[0].upperBound), start < end,
            let offset = hexadecimal(bytes, fields[2]), let inode = decimal(bytes, fields[4])
        else { return nil }
        while index < line.upperBound, bytes[index] == 0x20 { index += 1 }
        let path = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<line.upperBound]), as: UTF8.self)
        return Mapping(start: start, end: end, fileOffset: offset, inode: inode, path: path)
    }

    private static func hexadecimal(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty, range.count <= 16 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            case 0x41...0x46: digit = byte - 0x41 + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    private static func decimal(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty else { return nil }
        var value: UInt64 = 0
        for index in range {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        return value
    }

    /// The mapping containing `address`.
    package func mapping(containing address: UInt64) -> Mapping? {
        guard let index = mappings.lastIndex(startingAtOrBelow: address, start: \.start), address < mappings[index].end
        else { return nil }
        return mappings[index]
    }
}
