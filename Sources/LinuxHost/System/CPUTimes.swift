/// Time one CPU (or all of them) spent in each state, from a `cpu` line of /proc/stat, in
/// USER_HZ ticks (100 per second here). Counters since boot.
///
/// `user` includes `guest` and `nice` includes `guestNice` (the kernel adds guest time to
/// both), so totals must not add the guest fields again: this is how mpstat sums them.
public struct CPUTimes: Sendable, Equatable, Codable {
    /// `user`: user mode, guest time included.
    public var userTicks: UInt64 = 0
    /// `nice`: user mode at positive nice, guest_nice included.
    public var niceTicks: UInt64 = 0
    /// `system`: kernel mode.
    public var systemTicks: UInt64 = 0
    /// `idle`.
    public var idleTicks: UInt64 = 0
    /// `iowait`: idle with I/O outstanding (unreliable per CPU, see proc_stat(5)).
    public var iowaitTicks: UInt64 = 0
    /// `irq`: servicing hardware interrupts.
    public var irqTicks: UInt64 = 0
    /// `softirq`: servicing soft interrupts.
    public var softirqTicks: UInt64 = 0
    /// `steal`: runnable but the hypervisor ran someone else.
    public var stealTicks: UInt64 = 0
    /// `guest`: running a guest vCPU (also counted in user).
    public var guestTicks: UInt64 = 0
    /// `guest_nice`: running a niced guest (also counted in nice).
    public var guestNiceTicks: UInt64 = 0

    /// An empty value that the parsers fill in.
    public init() {}

    /// Every tick of the CPU once (guest time is already in user and nice).
    public var totalTicks: UInt64 {
        userTicks &+ niceTicks &+ systemTicks &+ idleTicks &+ iowaitTicks &+ irqTicks &+ softirqTicks &+ stealTicks
    }
}

/// Host-wide scheduler counters from /proc/stat (see proc_stat(5)).
public struct HostCPUStat: Sendable, Equatable, Codable {
    /// The `cpu` line: all CPUs together.
    public var total = CPUTimes()
    /// One entry per `cpuN` line, in file order; offline CPUs are absent from the file.
    public var perCPU: [CPUTimes] = []
    /// The N of each `cpuN` line, parallel to `perCPU`.
    public var cpuNumbers: [Int] = []
    /// Context switches since boot (`ctxt`).
    public var contextSwitches: UInt64 = 0
    /// Forks since boot (`processes`).
    public var processesCreated: UInt64 = 0
    /// Tasks runnable now (`procs_running`), vmstat's `r`.
    public var runnableTasks: UInt64 = 0
    /// Tasks in uninterruptible sleep, waiting on I/O (`procs_blocked`), vmstat's `b`.
    public var blockedTasks: UInt64 = 0

    /// An empty value that the parsers fill in.
    public init() {}

    /// Parses /proc/stat. The per-CPU arrays are sized from `previous` (the last sample), so
    /// they are allocated once at their final size instead of growing line by line.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, path: String, reusing previous: HostCPUStat? = nil
    ) throws(HostReadError) -> HostCPUStat {
        var stat = HostCPUStat()
        stat.perCPU.reserveCapacity(previous?.perCPU.count ?? 8)
        stat.cpuNumbers.reserveCapacity(previous?.perCPU.count ?? 8)
        var sawTotal = false
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            guard let key = scanner.readFieldRange() else { continue }
            if key.count >= 3, scanner.matches(key.lowerBound..<key.lowerBound + 3, "cpu") {
                let times = readTimes(&scanner)
                if key.count == 3 {
                    stat.total = times
                    sawTotal = true
                } else {
                    var number = ByteScanner(scanner.bytes, offset: key.lowerBound + 3)
                    guard let cpu = number.readUInt64() else {
                        throw HostReadError(path: path, malformed: "bad cpu line")
                    }
                    stat.perCPU.append(times)
                    stat.cpuNumbers.append(Int(cpu))
                }
            } else if scanner.matches(key, "ctxt") {
                stat.contextSwitches = scanner.readUInt64() ?? 0
            } else if scanner.matches(key, "processes") {
                stat.processesCreated = scanner.readUInt64() ?? 0
            } else if scanner.matches(key, "procs_running") {
                stat.runnableTasks = scanner.readUInt64() ?? 0
            } else if scanner.matches(key, "procs_blocked") {
                stat.blockedTasks = scanner.readUInt64() ?? 0
            }
        }
        guard sawTotal else { throw HostReadError(path: path, malformed: "no cpu line") }
        return stat
    }

    /// Older kernels have fewer columns (no steal before 2.6.11, no guest before 2.6.24):
    /// missing ones stay zero.
    private static func readTimes(_ scanner: inout ByteScanner) -> CPUTimes {
        var times = CPUTimes()
        times.userTicks = scanner.readUInt64() ?? 0
        times.niceTicks = scanner.readUInt64() ?? 0
        times.systemTicks = scanner.readUInt64() ?? 0
        times.idleTicks = scanner.readUInt64() ?? 0
        times.iowaitTicks = scanner.readUInt64() ?? 0
        times.irqTicks = scanner.readUInt64() ?? 0
        times.softirqTicks = scanner.readUInt64() ?? 0
        times.stealTicks = scanner.readUInt64() ?? 0
        times.guestTicks = scanner.readUInt64() ?? 0
        times.guestNiceTicks = scanner.readUInt64() ?? 0
        return times
    }
}
