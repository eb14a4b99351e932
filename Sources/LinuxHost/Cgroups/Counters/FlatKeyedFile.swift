/// The "key value" per line format of cgroup `cpu.stat`, `memory.stat`, `memory.events`,
/// `memory.oom_control` and `/proc/vmstat`, walked without allocating.
enum FlatKeyedFile {
    /// Calls `body` with a scanner over `bytes`, the range of each line's key and its value.
    ///
    /// Lines whose value is not an unsigned decimal (a negative number, "max") are skipped:
    /// none of the counters Periscope reads from these files can be either.
    static func forEachEntry(
        _ bytes: UnsafeRawBufferPointer, _ body: (ByteScanner, Range<Int>, UInt64) -> Void
    ) {
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            guard let key = scanner.readFieldRange() else { scanner.skipLine(); continue }
            if let value = scanner.readUInt64() { body(scanner, key, value) }
            scanner.skipLine()
        }
    }
}

/// One integer on its own line (`memory.current`, `pids.current`, `cpuacct.usage`).
enum SingleValueFile {
    /// The unsigned value, or nil for no limit: v2 writes "max", v1 `cpu.cfs_quota_us` -1.
    static func parseLimit(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> UInt64? {
        var scanner = ByteScanner(bytes)
        guard let field = scanner.readFieldRange() else { throw HostReadError(path: path, malformed: "empty") }
        if scanner.matches(field, "max") || scanner.matches(field, "-1") { return nil }
        var number = ByteScanner(bytes, offset: field.lowerBound)
        guard let value = number.readUInt64(), number.offset == field.upperBound else {
            throw HostReadError(path: path, malformed: "not a number, \"max\" or -1: \(scanner.string(field))")
        }
        return value
    }

    /// The unsigned value; "max" or anything else is malformed.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> UInt64 {
        var scanner = ByteScanner(bytes)
        guard let value = scanner.readUInt64() else { throw HostReadError(path: path, malformed: "not a number") }
        return value
    }
}

extension ByteScanner {
    /// Parses a non-negative decimal with an optional fraction ("48.70", "0.00", "7") after
    /// optional spaces, as PSI and /proc/loadavg write them.
    mutating func readDecimal() -> Double? {
        guard let whole = readUInt64() else { return nil }
        guard peek == UInt8(ascii: ".") else { return Double(whole) }
        seek(to: offset + 1)
        // One division of exact integers, so "1.64" is the Double nearest 1.64, as a
        // literal would be; summing digit by digit drifts by an ulp.
        var scaled = whole
        var divisor: UInt64 = 1
        while let byte = peek, byte &- UInt8(ascii: "0") < 10 {
            if divisor < 1_000_000_000_000 {
                scaled = scaled &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                divisor *= 10
            }
            seek(to: offset + 1)
        }
        return Double(scaled) / Double(divisor)
    }

    /// Moves past `byte` if it is at the cursor; false otherwise.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        seek(to: offset + 1)
        return true
    }
}
