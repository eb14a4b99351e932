import Foundation
import KernelTrace
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What the machine can do for the trace tests; live tests are skipped with these reasons.
enum TraceTestEnvironment {
    static let isRoot = geteuid() == 0

    /// Root and a mounted tracefs with instances (mounted here if absent, as the CI does).
    static let tracefs: Tracefs? = {
        guard isRoot else { return nil }
        return try? Tracefs.locate(mountIfAbsent: true)
    }()

    static let tracefsAvailable = tracefs != nil
    static let tracefsReason: Comment = "needs root and tracefs (mount -t tracefs nodev /sys/kernel/tracing)"

    static let testImage = ProcessInfo.processInfo.environment["PERISCOPE_TEST_IMAGE"] ?? "periscope-test:latest"
    static let dockerAvailable: Bool = {
        guard tracefsAvailable,
            let result = try? TraceShell.run(["docker", "image", "inspect", "--format", "{{.Id}}", testImage])
        else { return false }
        return result.status == 0
    }()
    static let dockerReason: Comment =
        "needs root, tracefs, a running Docker engine and the periscope-test image: run scripts/test-setup.sh"

    static let babeltraceAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/babeltrace2")
    static let babeltraceReason: Comment = "needs babeltrace2 (scripts/test-setup.sh installs it)"

    /// The `periscope` binary built next to this test bundle.
    static let periscopeBinary: String = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("periscope").path,
            bundleDirectory.deletingLastPathComponent().appendingPathComponent("periscope").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../../.build/debug/periscope").standardized.path
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    /// A fresh directory path (not created) under /tmp.
    static func scratchPath(_ base: String) -> String {
        "/tmp/periscope-trace-test-\(getpid())-\(base)-\(UUID().uuidString.prefix(8))"
    }

    static func uniqueContainerName(_ base: String) -> String { "periscope-it-\(getpid())-\(base)" }

    /// Waits until the capture of `periscopePID` records: events enabled (set_event not empty)
    /// and tracing_on 1. A new instance starts with tracing_on 1 and no events, and Periscope
    /// enables the events with tracing off before its statedump, so only both together mean
    /// the capture has started. False on timeout.
    static func waitForCapture(of periscopePID: pid_t, timeout: Double = 30) -> Bool {
        guard let tracefs else { return false }
        let deadline = Date().addingTimeInterval(timeout)
        let instance = "instances/\(TracefsInstance.namePrefix)\(periscopePID)"
        while Date() < deadline {
            if let events = try? tracefs.read("\(instance)/set_event"), !events.isEmpty,
                let on = try? tracefs.read("\(instance)/tracing_on"), on.hasPrefix("1")
            {
                usleep(200_000)
                return true
            }
            usleep(50_000)
        }
        return false
    }

    static func instanceExists(of pid: pid_t) -> Bool {
        tracefs?.exists("instances/\(TracefsInstance.namePrefix)\(pid)") ?? false
    }
}
