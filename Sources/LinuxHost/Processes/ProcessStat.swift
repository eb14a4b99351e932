/// The fields of /proc/PID/stat that Periscope uses (see proc(5)).
public struct ProcessStat: Sendable, Equatable, Codable {
    public var pid: Int32
    /// The command name (at most 15 bytes; may contain spaces and parentheses).
    public var comm: String
    /// One-letter state: R, S, D, Z, T, t, X, I.
    public var state: ProcessState
    public var parentPID: Int32
    public var processGroupID: Int32
    public var sessionID: Int32
    public var minorFaults: UInt64
    public var majorFaults: UInt64
    /// User-mode CPU time in clock ticks.
    public var userTimeTicks: UInt64
    /// Kernel-mode CPU time in clock ticks.
    public var systemTimeTicks: UInt64
    public var priority: Int64
    public var nice: Int64
    public var threadCount: Int64
    /// Start time in clock ticks after boot.
    public var startTimeTicks: UInt64
    public var virtualMemoryBytes: UInt64
    public var residentPages: Int64
    /// CPU the task last ran on (field 39), if the kernel reports it.
    public var lastCPU: Int32?
    /// Aggregated block I/O delay in clock ticks (field 42), if present.
    public var blockIODelayTicks: UInt64?
    /// Real-time priority 1-99 for SCHED_FIFO/SCHED_RR, 0 otherwise (field 40), if present.
    public var realtimePriority: UInt32?
    /// The scheduling policy (field 41), if present.
    public var schedulingPolicy: SchedulingPolicy?

    public var identity: ProcessIdentity { ProcessIdentity(pid: pid, startTimeTicks: startTimeTicks) }

    /// Parses the bytes of a stat file.
    ///
    /// The command name sits between the first '(' and the *last* ')' because a comm may
    /// itself contain ") " (a process can name itself anything).
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> ProcessStat {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
            let close = bytes.lastIndex(of: UInt8(ascii: ")")), close > open
        else { throw HostReadError(path: path, malformed: "no '(comm)' field") }
        var scanner = ByteScanner(bytes)
        guard let pid = scanner.readInt64() else { throw HostReadError(path: path, malformed: "no pid field") }
        let comm = scanner.string(open + 1..<close)
        scanner.seek(to: close + 1)
        guard let stateRange = scanner.readFieldRange(), stateRange.count == 1 else {
            throw HostReadError(path: path, malformed: "truncated after comm")
        }
        // Fields 4...; index them by their proc(5) numbers so the code reads like the man page.
        var fields = [Int64](repeating: 0, count: 43)
        var present = 3
        while present < 42, let value = readField(&scanner) {
            present += 1
            fields[present] = value
        }
        guard present >= 24 else {
            throw HostReadError(path: path, malformed: "truncated: \(present) of at least 24 fields")
        }
        func unsigned(_ index: Int) -> UInt64 { UInt64(bitPattern: fields[index]) }
        return ProcessStat(
            pid: Int32(truncatingIfNeeded: pid),
            comm: comm,
            state: ProcessState(byte: bytes[stateRange.lowerBound]),
            parentPID: Int32(truncatingIfNeeded: fields[4]),
            processGroupID: Int32(truncatingIfNeeded: fields[5]),
            sessionID: Int32(truncatingIfNeeded: fields[6]),
            minorFaults: unsigned(10),
            majorFaults: unsigned(12),
            userTimeTicks: unsigned(14),
            systemTimeTicks: unsigned(15),
            priority: fields[18],
            nice: fields[19],
            threadCount: fields[20],
            startTimeTicks: unsigned(22),
            virtualMemoryBytes: unsigned(23),
            residentPages: fields[24],
            lastCPU: present >= 39 ? Int32(truncatingIfNeeded: fields[39]) : nil,
            blockIODelayTicks: present >= 42 ? unsigned(42) : nil,
            realtimePriority: present >= 40 ? UInt32(truncatingIfNeeded: fields[40]) : nil,
            schedulingPolicy: present >= 41 ? SchedulingPolicy(number: fields[41]) : nil
        )
    }

    /// One numeric field, signed (`%ld`) or unsigned (`%lu`). rsslim (field 25) is
    /// RLIM_INFINITY = 2^64-1 on almost every task: it does not fit an Int64, so unsigned
    /// fields keep their bit pattern instead of ending the scan before fields 39 and 42.
    private static func readField(_ scanner: inout ByteScanner) -> Int64? {
        scanner.skipSpaces()
        if scanner.peek == UInt8(ascii: "-") { return scanner.readInt64() }
        return scanner.readUInt64().map { Int64(bitPattern: $0) }
    }
}

/// A task's scheduler state letter, as shown by ps(1).
public struct ProcessState: RawRepresentable, Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    init(byte: UInt8) { rawValue = String(UnicodeScalar(byte)) }

    public static let running = ProcessState(rawValue: "R")
    public static let sleeping = ProcessState(rawValue: "S")
    /// Uninterruptible sleep, usually I/O: the state storage stalls show up in.
    public static let uninterruptible = ProcessState(rawValue: "D")
    public static let zombie = ProcessState(rawValue: "Z")
    public static let stopped = ProcessState(rawValue: "T")
    public static let idle = ProcessState(rawValue: "I")

    public var description: String { rawValue }
}
