/// /proc/loadavg: `0.56 0.56 0.77 2/168 14976`.
public struct LoadAverage: Sendable, Equatable, Codable {
    /// Runnable plus uninterruptible tasks, exponentially averaged over 1 minute.
    public var oneMinute: Double
    /// The load averaged over 5 minutes.
    public var fiveMinutes: Double
    /// The load averaged over 15 minutes.
    public var fifteenMinutes: Double
    /// Tasks runnable now (the numerator of the fourth field).
    public var runnableTasks: UInt64
    /// Tasks (threads) that exist (the denominator).
    public var totalTasks: UInt64
    /// The PID most recently allocated.
    public var lastPID: UInt64

    /// Creates a value from its fields.
    public init(
        oneMinute: Double, fiveMinutes: Double, fifteenMinutes: Double, runnableTasks: UInt64, totalTasks: UInt64,
        lastPID: UInt64
    ) {
        self.oneMinute = oneMinute
        self.fiveMinutes = fiveMinutes
        self.fifteenMinutes = fifteenMinutes
        self.runnableTasks = runnableTasks
        self.totalTasks = totalTasks
        self.lastPID = lastPID
    }

    /// Parses /proc/loadavg.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> LoadAverage {
        var scanner = ByteScanner(bytes)
        guard let one = scanner.readDecimal(), let five = scanner.readDecimal(), let fifteen = scanner.readDecimal(),
            let runnable = scanner.readUInt64(), scanner.skip(UInt8(ascii: "/")), let total = scanner.readUInt64(),
            let last = scanner.readUInt64()
        else { throw HostReadError(path: path, malformed: "expected 'L1 L5 L15 R/T PID'") }
        return LoadAverage(
            oneMinute: one, fiveMinutes: five, fifteenMinutes: fifteen, runnableTasks: runnable, totalTasks: total,
            lastPID: last)
    }
}
