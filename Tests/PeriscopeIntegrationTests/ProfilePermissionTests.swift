import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Without privileges `periscope profile` must say what is missing, never a bare EPERM.
@Suite("profile permission errors")
struct ProfilePermissionTests {
    static let paranoid = (try? String(contentsOfFile: "/proc/sys/kernel/perf_event_paranoid", encoding: .utf8))
        .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }

    @Test(
        "as nobody with no capabilities: the error names root, CAP_PERFMON and perf_event_paranoid",
        .live(if: DropToNobody.isPossible, DropToNobody.reason),
        .enabled(if: (paranoid ?? 0) > 0, "needs kernel.perf_event_paranoid > 0 (a kernel setting, not a set-up step)"))
    func unprivileged() throws {
        let result = try Shell.run(
            DropToNobody.command([TestEnvironment.periscopeBinary, "profile", "--all", "-d", "1", "-o", "/dev/null"]))
        #expect(result.status != 0)
        #expect(result.standardError.contains("perf_event_open(cpu-clock, cpu 0) failed"), "\(result.standardError)")
        #expect(result.standardError.contains("Not root"))
        #expect(result.standardError.contains("CAP_PERFMON"))
        #expect(result.standardError.contains("perf_event_paranoid <= 0 (it is \(Self.paranoid!)"))
    }
}
