import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn and reaped with waitpid on its own PID.
///
/// Not Foundation's Process: its children inherit the test runner's blocked signals, and its
/// termination monitor reaps on SIGCHLD from a background queue; a busy child that ignores
/// SIGTERM, or a termination notification lost while other suites spawn and reap children in
/// parallel, leaves `waitUntilExit()` waiting for ever. The live test hung that way once.
public struct SpawnedChild {
    public let pid: pid_t

    /// Starts `arguments` (an absolute path first), standard output to `standardOutput`.
    public init(_ arguments: [String], standardOutput: String = "/dev/null") throws {
        pid = try ChildProcess.spawn(arguments, standardOutput: standardOutput)
    }

    /// Waits for the child to exit; returns its exit status (128+N if killed by signal N).
    @discardableResult
    public func wait() -> Int32 { ChildProcess.wait(pid) }

    /// Runs `arguments` to completion; throws unless it exits 0. Returns standard output.
    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        let output = NSTemporaryDirectory() + "periscope-child-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out"
        defer { unlink(output) }
        let child = try SpawnedChild(arguments, standardOutput: output)
        let status = child.wait()
        guard status == 0 else {
            throw CocoaError(.executableLoad, userInfo: ["command": arguments.joined(separator: " "), "status": status])
        }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// SIGKILL and reap; never blocks on anything but the kernel reaping this child.
    public func kill() {
        _ = Glibc.kill(pid, SIGKILL)
        ChildProcess.wait(pid)
    }

    /// User plus system CPU time so far, in seconds (fields 14 and 15 of /proc/PID/stat).
    public func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
