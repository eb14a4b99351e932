import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Runs external commands (docker, unshare, shells, the periscope binary) for tests.
///
/// Uses posix_spawn with an empty signal mask and default signal dispositions: children
/// started through Foundation's Process inherit a mask that breaks `unshare --fork`
/// ("sigprocmask unblock failed") and shells that wait for their children.
enum Shell {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    struct Failure: Error, CustomStringConvertible {
        var command: [String]
        var result: Result
        var description: String {
            "\(command.joined(separator: " ")) exited \(result.status): \(result.standardError)\(result.standardOutput)"
        }
    }

    /// Starts `arguments` (the first looked up in PATH) with clean signal state; output to
    /// the given files (or /dev/null). Returns the child's PID.
    static func spawn(
        _ arguments: [String], standardOutput: String = "/dev/null", standardError: String = "/dev/null"
    ) throws -> pid_t {
        do {
            return try ChildProcess.spawn(arguments, standardOutput: standardOutput, standardError: standardError)
        } catch {
            throw Failure(
                command: arguments,
                result: Result(status: -1, standardOutput: "", standardError: String(cString: strerror(error.errno))))
        }
    }

    /// Waits for a spawned child; returns its exit status (128+N if killed by signal N).
    @discardableResult
    static func wait(_ pid: pid_t) -> Int32 { ChildProcess.wait(pid) }

    /// Runs `arguments` and waits for it. Output goes to temporary files, so a chatty
    /// command can never block on a full pipe.
    @discardableResult
    static func run(_ arguments: [String]) throws -> Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-test-\(UUID().uuidString)")
            .path
        let outPath = base + ".out", errPath = base + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let pid = try spawn(arguments, standardOutput: outPath, standardError: errPath)
        let status = wait(pid)
        return Result(
            status: status,
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// Runs and throws unless the exit status is 0; returns trimmed standard output.
    @discardableResult
    static func check(_ arguments: [String]) throws -> String {
        let result = try run(arguments)
        guard result.status == 0 else { throw Failure(command: arguments, result: result) }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs the periscope binary under test.
    static func periscope(_ arguments: [String]) throws -> Result {
        try run([TestEnvironment.periscopeBinary] + arguments)
    }
}
