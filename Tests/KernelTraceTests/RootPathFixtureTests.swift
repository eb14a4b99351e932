import ContainerInventory
import Foundation
import LinuxHost
import Testing
@testable import KernelTrace
#if canImport(Glibc)
import Glibc
#endif

/// Capture-side readers of /proc and /sys take the injected root, so a fixture tree stands in
/// for the host's (and no reader silently reads the live host under a fixture root).
@Suite("KernelTrace readers on fixture roots")
struct RootPathFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static let hostRoot = "\(fixtures)/counters/host"

    @Test func onlineCPUsOfATraceSessionComeFromTheSysRoot() {
        #expect(TraceSession.readOnlineCPUs(sysRoot: "\(Self.hostRoot)/sys") == [0, 1, 2, 3, 6])
        // Without the file: every configured CPU, as before.
        #expect(
            TraceSession.readOnlineCPUs(sysRoot: "/nonexistent-sys").count == Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    @Test func hostPressureOfASnapshotConditionComesFromTheProcRoot() throws {
        var options = InventoryOptions()
        options.procRoot = "\(Self.fixtures)/docker-cgroup-v2/proc"
        options.dockerSocket = "/nonexistent/docker.sock"
        options.queryRuntimes = false
        options.resolveHostnames = false
        options.indexCgroupsFromHierarchy = false
        let snapshot = try InventoryScanner(options: options).scan()
        // counters/host/proc/pressure/cpu: `some avg10=1.31 ...`.
        let probe = try LiveMetricProbe(
            condition: SnapshotCondition.parse("cpu-pressure>50"), snapshot: snapshot, procRoot: "\(Self.hostRoot)/proc"
        )
        #expect(probe.sample() == 1.31)
        let memory = try LiveMetricProbe(
            condition: SnapshotCondition.parse("memory-pressure>50"), snapshot: snapshot, procRoot: "/nonexistent-proc")
        #expect(memory.sample() == nil)
    }

    /// A stale instance's PID is checked against the proc root's comm, not the live /proc's.
    @Test func aLivePeriscopeIsRecognisedFromTheProcRoot() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-tests-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let pid = getpid()
        try FileManager.default.createDirectory(atPath: "\(root)/\(pid)", withIntermediateDirectories: true)
        try "bash\n".write(toFile: "\(root)/\(pid)/comm", atomically: false, encoding: .utf8)
        #expect(!TracefsInstance.isLivePeriscope(pid: pid, procRoot: root))
        try "periscope\n".write(toFile: "\(root)/\(pid)/comm", atomically: false, encoding: .utf8)
        #expect(TracefsInstance.isLivePeriscope(pid: pid, procRoot: root))
    }

    /// Tracefs reads through LinuxHost's one file reader: whole files past its first buffer,
    /// and a failure says the path and the errno.
    @Test func tracefsReadsWholeFilesAndReportsTheErrno() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-tests-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let text = String(repeating: "field:unsigned short common_type;\n", count: 2000)
        try text.write(toFile: "\(root)/format", atomically: false, encoding: .utf8)
        let tracefs = Tracefs(root: root)
        #expect(try tracefs.read("format") == text)
        do {
            _ = try tracefs.read("missing")
            Issue.record("read a missing file")
        } catch {
            #expect(error.path == "\(root)/missing")
            #expect(error.errno == ENOENT)
            #expect(error.description == "cannot read \(root)/missing: No such file or directory")
        }
    }
}
