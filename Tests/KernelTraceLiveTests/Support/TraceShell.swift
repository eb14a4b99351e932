import Foundation
import TestSupport
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

    static func spawn(
        _ arguments: [String], standardOutput: String = "/dev/null", standardError: String = "/dev/null",
        standardInput: String = "/dev/null"
    ) throws -> pid_t {
        try ChildProcess.spawn(
            arguments, standardInput: standardInput, standardOutput: standardOutput, standardError: standardError)
    }

    /// Exit status, or 128+N when killed by signal N.
    @discardableResult
    static func wait(_ pid: pid_t) -> Int32 { ChildProcess.wait(pid) }

    @discardableResult
    static func run(_ arguments: [String]) throws -> Result {
        let base = "/tmp/periscope-trace-shell-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        let status = wait(try spawn(arguments, standardOutput: base + ".out", standardError: base + ".err"))
        return Result(
            status: status, standardOutput: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
    }

    static func periscope(_ arguments: [String]) throws -> Result {
        try run([TraceTestEnvironment.periscopeBinary] + arguments)
    }
}
