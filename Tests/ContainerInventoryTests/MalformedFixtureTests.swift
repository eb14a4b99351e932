import Testing
@testable import ContainerInventory
import LinuxHost

/// Broken proc files become per-process warnings, never a crash or a failed scan.
@Suite("InventoryScanner over malformed files")
struct MalformedFixtureTests {
    static func warning(_ snapshot: InventorySnapshot, pid: Int32) -> InventoryWarning? {
        snapshot.warnings.first { $0.pid == pid }
    }

    @Test func brokenProcessesBecomeWarnings() throws {
        let snapshot = try Fixtures.scan("malformed")
        #expect(snapshot.scannedProcessCount == 7)
        #expect(snapshot.processes.map(\.pid) == [1, 40, 43])
        // 42 has only a stat file but its directory exists: a warning, not a vanished process.
        #expect(snapshot.vanishedProcessCount == 0)
        let missingFile = try #require(Self.warning(snapshot, pid: 42))
        #expect(missingFile.message.contains("/42/cgroup"))
        #expect(snapshot.containers.isEmpty)
        #expect(snapshot.cgroupMode == .unified)  // the junk mountinfo line is skipped

        let truncated = try #require(Self.warning(snapshot, pid: 41))
        #expect(truncated.message.contains("/41/stat: malformed: truncated"))
        #expect(truncated.description.hasPrefix("pid 41: "))
        let badCgroup = try #require(Self.warning(snapshot, pid: 44))
        #expect(badCgroup.message.contains("/44/cgroup: malformed: line without two ':' separators"))
        let badLink = try #require(Self.warning(snapshot, pid: 45))
        #expect(badLink.message.contains("/45/ns/pid: malformed: not a namespace link"))
        #expect(snapshot.warnings.map(\.pid) == [41, 42, 44, 45])
        #expect(snapshot.warnings.allSatisfy { !$0.isMinor })
    }

    @Test func commWithSpacesAndParentheses() throws {
        let snapshot = try Fixtures.scan("malformed")
        let weird = try #require(snapshot.processes.first { $0.pid == 40 })
        #expect(weird.comm == "(a) b (c)")
        #expect(weird.container == .host)
        #expect(weird.parentPID == 1)
    }

    /// status is read only for container inits, or for every process with includeProcesses.
    @Test func statusWithoutPidLine() throws {
        let detailed = try Fixtures.scan("malformed", includeProcesses: true)
        let noPid = try #require(Self.warning(detailed, pid: 43))
        #expect(noPid.message.contains("/43/status: malformed: no Pid line"))
        #expect(detailed.processes.map(\.pid) == [1, 40])
        #expect(detailed.processes.first { $0.pid == 40 }?.commandLine == ["./weird"])
    }
}
