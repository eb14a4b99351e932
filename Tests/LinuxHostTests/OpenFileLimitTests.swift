import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import LinuxHost

@Suite("open file limit")
struct OpenFileLimitTests {
    @Test func theSoftLimitIsRaisedToTheHardOne() {
        var before = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &before)
        // Start from the common default soft limit (lowering it needs no privilege).
        var lowered = before
        lowered.rlim_cur = min(before.rlim_max, 1024)
        #expect(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lowered) == 0)
        let raised = HostSystem.raiseOpenFileLimit()
        var after = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &after)
        #expect(raised == UInt64(after.rlim_cur))
        #expect(after.rlim_cur == before.rlim_max)
        #expect(after.rlim_max == before.rlim_max)
    }
}
