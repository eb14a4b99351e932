#if canImport(Glibc)
import Glibc
#endif

/// Facts about the running kernel that convert raw counters into units.
public enum HostSystem {
    /// USER_HZ: the unit of the tick counters in /proc/PID/stat.
    public static let clockTicksPerSecond: Int = sysconf(Int32(_SC_CLK_TCK))

    /// The host's (this UTS namespace's) hostname.
    public static var hostname: String { unameText { $0.nodename } }

    /// The kernel release, as `uname -r` prints it.
    public static var kernelRelease: String { unameText { $0.release } }

    /// The machine's architecture, as `uname -m` prints it (`x86_64`, `aarch64`).
    public static var machine: String { unameText { $0.machine } }

    /// One field of uname(2), a NUL-terminated character array, as text.
    private static func unameText<Field>(_ field: (utsname) -> Field) -> String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: field(name)) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Seconds since boot (CLOCK_BOOTTIME), to turn start-time ticks into ages.
    public static var uptimeSeconds: Double {
        SystemClock.boottime.seconds()
    }

    /// True when running as root (effective UID 0).
    public static var isRoot: Bool { geteuid() == 0 }

    /// Raises the soft limit on open descriptors to the hard one and returns the new soft
    /// limit. A sampler keeps about 14 descriptors open per container (its counter files and
    /// net/dev), so the common soft limit of 1,024 ends at about 70 containers.
    @discardableResult
    public static func raiseOpenFileLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(RLIMIT_NOFILE_VALUE, &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }
}

/// Glibc imports RLIMIT_NOFILE as an enum case of `__rlimit_resource`; the functions take its raw value.
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
