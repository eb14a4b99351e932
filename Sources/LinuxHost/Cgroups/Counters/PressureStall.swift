/// Pressure stall information (PSI) for one resource: `/proc/pressure/{cpu,memory,io}` for
/// the host, `{cpu,memory,io}.pressure` for a cgroup v2 directory.
///
/// Format (Documentation/accounting/psi.rst):
/// ```
/// some avg10=0.00 avg60=0.00 avg300=0.00 total=0
/// full avg10=0.00 avg60=0.00 avg300=0.00 total=0
/// ```
/// PSI sees contention that throttling counters miss: a capped container on a busy host may be
/// rarely throttled yet wait half its time for a CPU.
public struct PressureStall: Sendable, Equatable, Codable {
    /// One line: the share of wall time some (or all) tasks were stalled.
    public struct Line: Sendable, Equatable, Codable {
        /// Stalled % of the last 10 s (a kernel-smoothed average).
        public var average10sPercent: Double
        /// Stalled % of the last 60 s.
        public var average60sPercent: Double
        /// Stalled % of the last 300 s.
        public var average300sPercent: Double
        /// Total stall time, a counter in µs: the precise input for rates.
        public var totalMicroseconds: UInt64

        /// Creates a value from its fields.
        public init(
            average10sPercent: Double, average60sPercent: Double, average300sPercent: Double, totalMicroseconds: UInt64
        ) {
            self.average10sPercent = average10sPercent
            self.average60sPercent = average60sPercent
            self.average300sPercent = average300sPercent
            self.totalMicroseconds = totalMicroseconds
        }
    }

    /// At least one task stalled.
    public var some: Line
    /// All non-idle tasks stalled at once. Host `/proc/pressure/cpu` has it as zeros since
    /// 5.13 and lacked it before; nil when absent.
    public var full: Line?

    /// Creates a value from its fields.
    public init(some: Line, full: Line? = nil) {
        self.some = some
        self.full = full
    }

    /// Parses a PSI file.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> PressureStall {
        var some: Line?
        var full: Line?
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            guard let kind = scanner.readFieldRange() else { scanner.skipLine(); continue }
            let isSome = scanner.matches(kind, "some")
            guard isSome || scanner.matches(kind, "full") else { scanner.skipLine(); continue }
            var averages: (Double?, Double?, Double?) = (nil, nil, nil)
            var total: UInt64?
            while true {
                scanner.skipSpaces()
                guard let byte = scanner.peek, byte != .newline else { break }
                let keyStart = scanner.offset
                while let byte = scanner.peek, byte != UInt8(ascii: "="), byte != .space, byte != .newline {
                    scanner.seek(to: scanner.offset + 1)
                }
                let key = keyStart..<scanner.offset
                guard scanner.skip(UInt8(ascii: "=")) else { continue }
                if scanner.matches(key, "avg10") {
                    averages.0 = scanner.readDecimal()
                } else if scanner.matches(key, "avg60") {
                    averages.1 = scanner.readDecimal()
                } else if scanner.matches(key, "avg300") {
                    averages.2 = scanner.readDecimal()
                } else if scanner.matches(key, "total") {
                    total = scanner.readUInt64()
                } else {
                    _ = scanner.readFieldRange()
                }
            }
            scanner.skipLine()
            guard let average10 = averages.0, let average60 = averages.1, let average300 = averages.2, let total else {
                throw HostReadError(
                    path: path, malformed: "\(isSome ? "some" : "full") line lacks avg10/avg60/avg300/total")
            }
            let line = Line(
                average10sPercent: average10, average60sPercent: average60, average300sPercent: average300,
                totalMicroseconds: total)
            if isSome { some = line } else { full = line }
        }
        guard let some else { throw HostReadError(path: path, malformed: "no \"some\" line") }
        return PressureStall(some: some, full: full)
    }
}
