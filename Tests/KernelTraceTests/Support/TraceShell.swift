import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts the periscope binary, docker and workloads for the live trace tests, with clean
/// signal state (children of Foundation's Process inherit a blocked mask).
enum TraceShell {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static func spawn(_ arguments: [String], standardOutput: String = "/dev/null", standardError: String = "/dev/null",
                      standardInput: String = "/dev/null") throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
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
        guard result == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(arguments[0]): \(String(cString: strerror(result)))"]) }
        return pid
    }

    /// Exit status, or 128+N when killed by signal N.
    @discardableResult
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> Result {
        let base = "/tmp/periscope-trace-shell-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        let status = wait(try spawn(arguments, standardOutput: base + ".out", standardError: base + ".err"))
        return Result(status: status, standardOutput: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                      standardError: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
    }

    static func periscope(_ arguments: [String]) throws -> Result {
        try run([TraceTestEnvironment.periscopeBinary] + arguments)
    }
}
