#if canImport(Glibc)
import Glibc
#endif

/// The clocks Periscope reads, through one `clock_gettime(2)`.
///
/// Trace timestamps (tracefs `trace_clock` set to `mono`), perf samples (`use_clockid`) and
/// counter samples all use `monotonic`, so events and metrics line up; `realtime` only turns
/// those into dates.
public enum SystemClock: Sendable {
    /// CLOCK_MONOTONIC: since boot, stopped while suspended, never stepped.
    case monotonic
    /// CLOCK_REALTIME: the wall clock (Unix time), which may step.
    case realtime
    /// CLOCK_BOOTTIME: since boot, suspended time included (process ages).
    case boottime

    /// The clock now, in nanoseconds (since the Unix epoch for `realtime`, since boot otherwise;
    /// a wall clock set before 1970 reads as 0).
    public func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(clockID, &now)
        guard now.tv_sec >= 0 else { return 0 }
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// The clock now, in seconds.
    public func seconds() -> Double {
        var now = timespec()
        clock_gettime(clockID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// CLOCK_REALTIME minus CLOCK_MONOTONIC, ns: add it to a monotonic time to get Unix time.
    public static func realtimeOffsetNanoseconds() -> Int64 {
        let realtime = Int64(SystemClock.realtime.nanoseconds())
        return realtime - Int64(SystemClock.monotonic.nanoseconds())
    }

    private var clockID: clockid_t {
        switch self {
        case .monotonic: CLOCK_MONOTONIC
        case .realtime: CLOCK_REALTIME
        case .boottime: CLOCK_BOOTTIME
        }
    }
}
