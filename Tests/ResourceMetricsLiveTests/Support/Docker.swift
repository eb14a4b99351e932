import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What the machine running the tests can do (a trimmed copy of the integration tests' check).
enum TestEnvironment {
    static let testImage = ProcessInfo.processInfo.environment["PERISCOPE_TEST_IMAGE"] ?? "periscope-test:latest"

    /// Root, a Docker engine that answers, and the locally imported test image.
    static let dockerAvailable: Bool = {
        guard geteuid() == 0,
            let result = try? Shell.run(["docker", "image", "inspect", "--format", "{{.Id}}", testImage])
        else { return false }
        return result.status == 0
    }()

    static let dockerReason: Comment =
        "needs root, a running Docker engine and the periscope-test image: run scripts/test-setup.sh"

    /// A name unique to this test run, so parallel or leftover runs never collide.
    static func uniqueName(_ base: String) -> String { "periscope-metrics-\(getpid())-\(base)" }
}

/// Runs docker for tests, with output in temporary files so it can never block on a pipe.
enum Shell {
    struct Result {
        var status: Int32
        var standardOutput: String
    }

    struct Failure: Error, CustomStringConvertible {
        var command: [String]
        var result: Result
        var description: String {
            "\(command.joined(separator: " ")) exited \(result.status): \(result.standardOutput)"
        }
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> Result {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-metrics-\(UUID().uuidString)"
        ).path
        defer { unlink(output) }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(arguments, standardOutput: output, standardError: nil)
        } catch {
            throw Failure(
                command: arguments, result: Result(status: -1, standardOutput: String(cString: strerror(error.errno))))
        }
        let code = ChildProcess.wait(pid)
        return Result(status: code, standardOutput: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    /// Runs and throws unless the exit status is 0; returns trimmed output.
    @discardableResult
    static func check(_ arguments: [String]) throws -> String {
        let result = try run(arguments)
        guard result.status == 0 else { throw Failure(command: arguments, result: result) }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A real container started for one test and removed afterwards (`docker rm -f`).
final class DockerContainer {
    let id: String
    /// The host PID of its init process.
    let initPID: Int32

    init(name: String, options: [String], command: [String]) throws {
        _ = try? Shell.run(["docker", "rm", "-f", name])
        id = try Shell.check(["docker", "run", "-d", "--name", name] + options + [TestEnvironment.testImage] + command)
        let pidText = try Shell.check(["docker", "inspect", "--format", "{{.State.Pid}}", id])
        guard let pid = Int32(pidText), pid > 0 else {
            throw Shell.Failure(command: ["docker", "inspect", id], result: .init(status: 1, standardOutput: pidText))
        }
        initPID = pid
    }

    func remove() { _ = try? Shell.run(["docker", "rm", "-f", id]) }

    deinit { remove() }
}
