import ContainerInventory
import Foundation
import LinuxHost
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Processes that exit while a scan reads them are skipped and counted, never a crash.
@Suite("scan races")
struct ScanRaceTests {
    @Test("scanning while short-lived processes are spawned and killed in a loop")
    func churn() throws {
        // Each iteration starts a few processes that die at once, and kills one that sleeps.
        let churn = try Shell.spawn([
            "/bin/sh", "-c",
            "while true; do for i in 1 2 3 4 5; do /bin/true & done; sleep 5 & kill $! 2>/dev/null; wait; done"
        ])
        defer {
            kill(churn, SIGKILL)
            Shell.wait(churn)
        }

        var options = InventoryOptions()
        options.queryRuntimes = false
        options.resolveHostnames = false
        options.includeProcesses = true
        // A fixed number of scans (not a time budget): behaviour, not speed, is under test.
        for _ in 0..<20 {
            let snapshot = try InventoryScanner(options: options).scan()
            let warnings = snapshot.warnings.filter { !$0.isMinor }
            #expect(warnings.isEmpty, "an exiting process or a zombie must not be warned about: \(warnings)")
            #expect(snapshot.processes.allSatisfy { $0.pid > 0 })
        }
        // Also through the CLI, which must exit 0 every time.
        for _ in 0..<5 {
            let result = try Shell.periscope(["ps", "--processes", "--no-runtime"])
            #expect(result.status == 0, "\(result.standardError)")
        }
    }
}
