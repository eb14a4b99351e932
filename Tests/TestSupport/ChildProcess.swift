import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starting and reaping test children, shared by every test target.
///
/// posix_spawn with a clean signal state, not Foundation's Process: the test runner blocks
/// signals that children of Process inherit (which breaks `unshare --fork` and a shell's
/// `wait`), and Process's termination monitor can miss a child's exit while other suites
/// spawn and reap in parallel. Reaped with waitpid on the child's own PID.
public enum ChildProcess {
    /// Why a child could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public var command: [String]
        public var errno: Int32
        public var description: String { "\(command.first ?? "?"): \(String(cString: strerror(errno)))" }
    }

    /// Starts `arguments` (the first looked up in PATH unless it contains a slash) with every
    /// signal unblocked and at its default action; standard streams from and to the given files
    /// (`standardError` nil: into the same file as standard output).
    public static func spawn(
        _ arguments: [String], standardInput: String = "/dev/null", standardOutput: String = "/dev/null",
        standardError: String? = "/dev/null"
    ) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let standardError {
            posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
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
        guard result == 0 else { throw SpawnError(command: arguments, errno: result) }
        return pid
    }

    /// Waits for `pid`; its exit status, or 128+N when signal N killed it (as a shell says).
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// A finished command's exit status and what it wrote.
    public struct Output: Sendable {
        /// Exit status, or 128+N when signal N killed it.
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `arguments` to completion with its streams in temporary files (a pipe could block
    /// a chatty child), and returns what it wrote.
    @discardableResult
    public static func run(_ arguments: [String]) throws(SpawnError) -> Output {
        let base = NSTemporaryDirectory() + "periscope-test-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        let status = wait(try spawn(arguments, standardOutput: base + ".out", standardError: base + ".err"))
        return Output(
            status: status, standardOutput: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
    }
}
