import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What the machine running the tests can do; tests that need more are skipped with a reason.
enum TestEnvironment {
    static let testImage = ProcessInfo.processInfo.environment["PERISCOPE_TEST_IMAGE"] ?? "periscope-test:latest"

    static let isRoot = geteuid() == 0

    /// A Docker engine answers and the locally imported test image exists.
    static let dockerAvailable: Bool = {
        guard isRoot, let result = try? Shell.run(["docker", "image", "inspect", "--format", "{{.Id}}", testImage])
        else { return false }
        return result.status == 0
    }()

    static let unshareAvailable: Bool = isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")

    static let dockerReason: Comment =
        "needs root, a running Docker engine and the periscope-test image: run scripts/test-setup.sh"
    static let unshareReason: Comment = "needs root and unshare(1) to create a PID namespace"

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

    /// A name unique to this test run, so parallel or leftover runs never collide.
    static func uniqueName(_ base: String) -> String { "periscope-it-\(getpid())-\(base)" }
}
