/// How much CPU a cgroup may use: the CFS bandwidth cap and its relative weight.
public struct CgroupCPULimits: Sendable, Equatable, Codable {
    /// CPU time allowed per period; nil when uncapped (v1 -1, v2 "max").
    public var quotaMicroseconds: UInt64?
    /// The CFS enforcement period (default 100 000 µs).
    public var periodMicroseconds: UInt64?
    /// v1 `cpu.shares` (default 1024); nil on v2.
    public var shares: UInt64?
    /// v2 `cpu.weight` (1-10000, default 100); nil on v1.
    public var weight: UInt64?

    /// Creates a value from its fields.
    public init(
        quotaMicroseconds: UInt64? = nil, periodMicroseconds: UInt64? = nil, shares: UInt64? = nil,
        weight: UInt64? = nil
    ) {
        self.quotaMicroseconds = quotaMicroseconds
        self.periodMicroseconds = periodMicroseconds
        self.shares = shares
        self.weight = weight
    }

    /// The cap in CPUs (quota / period, `docker run --cpus`); nil when uncapped.
    public var capCores: Double? {
        guard let quotaMicroseconds, let periodMicroseconds, periodMicroseconds > 0 else { return nil }
        return Double(quotaMicroseconds) / Double(periodMicroseconds)
    }

    /// Parses v2 `cpu.max`: `$MAX $PERIOD`, where `$MAX` is "max" when uncapped.
    public static func parseV2CPUMax(
        _ bytes: UnsafeRawBufferPointer, path: String
    ) throws(HostReadError) -> (quotaMicroseconds: UInt64?, periodMicroseconds: UInt64) {
        var scanner = ByteScanner(bytes)
        guard let quotaField = scanner.readFieldRange() else { throw HostReadError(path: path, malformed: "empty") }
        var quota: UInt64?
        if !scanner.matches(quotaField, "max") {
            var number = ByteScanner(bytes, offset: quotaField.lowerBound)
            guard let value = number.readUInt64() else {
                throw HostReadError(path: path, malformed: "quota is not a number or \"max\"")
            }
            quota = value
        }
        guard let period = scanner.readUInt64() else { throw HostReadError(path: path, malformed: "no period") }
        return (quota, period)
    }
}
