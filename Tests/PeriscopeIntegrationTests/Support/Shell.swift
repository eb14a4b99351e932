import Foundation
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
    static func spawn(_ arguments: [String], standardOutput: String = "/dev/null", standardError: String = "/dev/null") throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard result == 0 else {
            throw Failure(command: arguments, result: Result(status: -1, standardOutput: "", standardError: String(cString: strerror(result))))
        }
        return pid
    }

    /// Waits for a spawned child; returns its exit status (128+N if killed by signal N).
    @discardableResult
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Runs `arguments` and waits for it. Output goes to temporary files, so a chatty
    /// command can never block on a full pipe.
    @discardableResult
    static func run(_ arguments: [String]) throws -> Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-test-\(UUID().uuidString)").path
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
