/// What decides whether a process may switch to SCHED_FIFO/SCHED_RR, besides its cgroup's
/// RT budget: CAP_SYS_NICE in its effective set, or a non-zero RLIMIT_RTPRIO (sched(7)).
public struct ProcessRealtimeLimits: Sendable, Equatable, Codable {
    /// CAP_SYS_NICE (bit 23) is in `CapEff` of its status.
    public var hasCapSysNice: Bool
    /// RLIMIT_RTPRIO soft limit ("Max realtime priority" of /proc/PID/limits); nil when unlimited.
    public var rtprioSoftLimit: UInt64?
    /// RLIMIT_RTPRIO hard limit; nil when unlimited.
    public var rtprioHardLimit: UInt64?

    /// Creates a value from its fields.
    public init(hasCapSysNice: Bool, rtprioSoftLimit: UInt64?, rtprioHardLimit: UInt64?) {
        self.hasCapSysNice = hasCapSysNice
        self.rtprioSoftLimit = rtprioSoftLimit
        self.rtprioHardLimit = rtprioHardLimit
    }

    /// The highest RT priority it may set without CAP_SYS_NICE (0: none).
    public var priorityAllowedWithoutCapability: UInt64 { rtprioSoftLimit.map { min($0, 99) } ?? 99 }

    /// CAP_SYS_NICE's bit in the capability sets.
    static let capSysNiceBit: UInt64 = 1 << 23

    /// Parses the `CapEff:` line of a status file and the `Max realtime priority` line of a limits file.
    public static func parse(status: String, limits: String) -> ProcessRealtimeLimits? {
        guard let capabilities = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let effective = UInt64(capabilities.dropFirst("CapEff:".count).trimmingCharacters(in: " \t"), radix: 16),
            let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max realtime priority") })
        else { return nil }
        let values = line.dropFirst("Max realtime priority".count).split(
            separator: " ", omittingEmptySubsequences: true)
        guard values.count >= 2 else { return nil }
        return ProcessRealtimeLimits(
            hasCapSysNice: effective & capSysNiceBit != 0, rtprioSoftLimit: UInt64(values[0]),
            rtprioHardLimit: UInt64(values[1]))
    }
}

extension Procfs {
    /// The capability and RLIMIT_RTPRIO of process `pid` (`/proc/PID/status`, `/proc/PID/limits`).
    public func realtimeLimits(_ pid: Int32) throws(HostReadError) -> ProcessRealtimeLimits {
        let status = try reader.string(of: "\(root)/\(pid)/status")
        let limits = try reader.string(of: "\(root)/\(pid)/limits")
        guard let parsed = ProcessRealtimeLimits.parse(status: status, limits: limits) else {
            throw HostReadError(path: "\(root)/\(pid)/limits", malformed: "no CapEff or Max realtime priority line")
        }
        return parsed
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return text
    }
}
