import Foundation
import Recording
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What the live recorder tests need: Docker, the binary under test, a recorder child.
enum LiveRecording {
    static let testImage = ProcessInfo.processInfo.environment["PERISCOPE_TEST_IMAGE"] ?? "periscope-test:latest"

    static let dockerAvailable: Bool = {
        guard geteuid() == 0, let result = try? run(["docker", "image", "inspect", "--format", "{{.Id}}", testImage])
        else { return false }
        return result.status == 0
    }()

    static let dockerReason: Comment =
        "needs root, a running Docker engine and the periscope-test image: run scripts/test-setup.sh"

    /// The `periscope` binary built next to this test bundle.
    static let periscopeBinary: String = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("periscope").path,
            bundleDirectory.deletingLastPathComponent().appendingPathComponent("periscope").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../../.build/debug/periscope"
            ).standardized.path
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    /// A container name unique to this run: `periscope-it-PID-15b-BASE`.
    static func uniqueName(_ base: String) -> String { "periscope-it-\(getpid())-15b-\(base)" }

    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs a command to completion; standard output and error together.
    @discardableResult
    static func run(_ arguments: [String]) throws -> Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-15b-\(UUID().uuidString).out"
        ).path
        defer { unlink(path) }
        let pid = try ChildProcess.spawn(arguments, standardOutput: path, standardError: nil)
        let status = ChildProcess.wait(pid)
        return Result(status: status, output: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    /// Runs and returns trimmed output; throws unless it exits 0.
    @discardableResult
    static func check(_ arguments: [String]) throws -> String {
        let result = try run(arguments)
        guard result.status == 0 else {
            throw Failure(description: "\(arguments.joined(separator: " ")) exited \(result.status): \(result.output)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// A temporary directory removed by `remove()`.
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-15b-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// `periscope record` running as a child process.
final class RecorderProcess {
    let pid: pid_t
    let databasePath: String
    let outputPath: String
    private var reaped = false
    private(set) var exitStatus: Int32?

    init(databasePath: String, arguments: [String] = []) throws {
        self.databasePath = databasePath
        outputPath = databasePath + ".out"
        pid = try ChildProcess.spawn(
            [LiveRecording.periscopeBinary, "record", "--db", databasePath] + arguments,
            standardOutput: outputPath, standardError: nil)
    }

    /// Sends `signal` and waits for the exit; its status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        if reaped { return exitStatus ?? -1 }
        kill(pid, signal)
        exitStatus = ChildProcess.wait(pid)
        reaped = true
        return exitStatus!
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Resident set size in KiB (/proc/PID/status VmRSS).
    var residentKilobytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// Open descriptors (/proc/PID/fd).
    var openDescriptors: Int? { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count }

    /// Waits until the recorder has written `samples` status lines (with --json).
    func waitForSamples(_ samples: Int, timeoutSeconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if output.split(separator: "\n").count >= samples { return true }
            usleep(200_000)
        }
        return false
    }

    deinit { stop(signal: SIGKILL) }
}
