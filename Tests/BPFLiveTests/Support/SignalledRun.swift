import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A BPF command started in the background, left to run once its programs are attached, then
/// stopped with a signal and reaped: what the cleanup tests check afterwards.
struct SignalledRun {
    var pid: pid_t
    /// As `ChildProcess.wait` reports it: 128 + the signal when it was killed.
    var status: Int32
    /// The ids of the programs it had attached.
    var programs: Set<UInt32>
    /// Its standard output, read after it stopped.
    var output: String

    /// Runs `arguments` until `count` programs are attached (`attached` describes them in the
    /// failure), calls `whileAttached`, lets it run `seconds` more and sends `signal`.
    static func stop(
        _ arguments: [String], afterAttaching count: Int, _ attached: Comment, running seconds: Double,
        with signal: Int32, whileAttached: (pid_t) throws -> Void = { _ in }
    ) throws -> SignalledRun {
        let outputPath = BPFTestEnvironment.scratchPath("signalled.out")
        defer { unlink(outputPath) }
        let pid = try ChildProcess.spawn(arguments, standardOutput: outputPath, standardError: nil)
        var reaped = false
        defer { if !reaped { kill(pid, SIGKILL); ChildProcess.wait(pid) } }
        let programs = try #require(try LoadedPrograms.waitForAttachments(of: pid, count: count), attached)
        try whileAttached(pid)
        usleep(useconds_t(seconds * 1_000_000))
        kill(pid, signal)
        let status = ChildProcess.wait(pid)
        reaped = true
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return SignalledRun(pid: pid, status: status, programs: programs, output: output)
    }
}
