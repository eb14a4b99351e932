import Foundation
import KernelTrace
import Testing
@testable import Presentation
@testable import TraceAnalysis
import TestSupport

private let recordingRoot = NSTemporaryDirectory() + "periscope-analyze-\(getpid())"

/// Live tests: record a scripted workload with `periscope trace record`, convert it to CTF with
/// `periscope trace convert`, and check the analyses on both.
@Suite("analyses of a recorded trace and of its CTF conversion", .serialized)
struct RecordedTraceTests {
    static let periscope: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundle.appendingPathComponent("periscope").path,
            bundle.deletingLastPathComponent().appendingPathComponent("periscope").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../.build/debug/periscope"
            ).standardized.path
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    static let canRecord =
        getuid() == 0 && FileManager.default.fileExists(atPath: "/sys/kernel/tracing/trace")
        && FileManager.default.isExecutableFile(atPath: periscope)
    static let reason: Comment = "needs root, tracefs at /sys/kernel/tracing and the periscope binary"

    /// Records dd reading 50 blocks of 1000 bytes from /dev/zero (fd 0) and writing them to /dev/null (fd 1).
    static let recorded: Result<(directory: String, ctf: String), Error> = Result {
        let root = recordingRoot
        try? FileManager.default.removeItem(atPath: root)
        // The recorded trace (tens of MB) goes when the test process exits.
        atexit { try? FileManager.default.removeItem(atPath: recordingRoot) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let directory = root + "/trace", ctf = root + "/ctf"
        let recorder = Process()
        recorder.executableURL = URL(fileURLWithPath: periscope)
        recorder.arguments = ["trace", "record", "-e", "sched", "syscalls", "-d", "3", "-o", directory]
        recorder.standardOutput = FileHandle.nullDevice
        try recorder.run()
        Thread.sleep(forTimeInterval: 1.5)
        let workload = Process()
        workload.executableURL = URL(fileURLWithPath: "/bin/sh")
        workload.arguments = ["-c", "dd if=/dev/zero of=/dev/null bs=1000 count=50 status=none"]
        try workload.run()
        workload.waitUntilExit()
        recorder.waitUntilExit()
        let converter = Process()
        converter.executableURL = URL(fileURLWithPath: periscope)
        converter.arguments = ["trace", "convert", directory, "--to", "ctf", ctf]
        converter.standardOutput = FileHandle.nullDevice
        try converter.run()
        converter.waitUntilExit()
        return (directory, ctf)
    }

    @Test("dd's 50 reads of 1000 bytes are counted exactly", .live(if: canRecord, reason))
    func knownReads() throws {
        let trace = try Self.recorded.get()
        var options = AnalysisOptions()
        options.filter.processNames = ["dd"]
        let report = try TraceAnalysisRunner.run(
            .iousage, source: try PeriscopeTraceReader(directory: trace.directory), options: options)
        let files = try #require(report.table("iousage-per-file"))
        #expect(files.rows.contains { $0[1] == .fileDescriptor(0) && $0[3] == .size(50_000) })
        #expect(files.rows.contains { $0[1] == .fileDescriptor(1) && $0[4] == .size(50_000) })
    }

    @Test(
        "every analysis gives the same result on the trace directory and its CTF conversion",
        .live(if: canRecord, reason),
        arguments: AnalysisKind.allCases.filter { $0 != .periods })
    func directoryAndCTFAgree(kind: AnalysisKind) throws {
        let trace = try Self.recorded.get()
        var options = AnalysisOptions()
        options.statistics = true
        options.log = true
        options.frequency = true
        let fromDirectory = try TraceAnalysisRunner.run(
            kind, source: try PeriscopeTraceReader(directory: trace.directory), options: options)
        let fromCTF = try TraceAnalysisRunner.run(kind, source: try CTFTraceSource(path: trace.ctf), options: options)
        #expect(fromDirectory.end - fromDirectory.begin == fromCTF.end - fromCTF.begin)
        #expect(Self.comparable(fromDirectory) == Self.comparable(fromCTF))
        #expect(fromDirectory.histograms == fromCTF.histograms)
    }

    /// Rows without absolute timestamps (the directory keeps the monotonic clock, CTF the Epoch),
    /// sorted. Two known differences are masked: process names (a thread that execs
    /// /proc/self/exe and renames itself is named from different events), and the fd/count
    /// arguments of syscalls whose tracefs format is named differently from the syscall table
    /// (fstat is `sys_enter_newfstat`), which the CTF conversion writes as arg0..arg5.
    static func comparable(_ report: AnalysisReport) -> [String] {
        report.tables.flatMap { table in
            table.rows.map { row in
                table.tableClass.name + ": "
                    + zip(row, table.tableClass.columns).map { value, column in
                        switch value {
                        case .timestamp: return "t"
                        case .process(_, let pid, let tid): return "process \(pid ?? -1)/\(tid ?? -1)"
                        default:
                            if table.tableClass.name == "syscalls-log", ["FD", "Count"].contains(column.title) {
                                return "arg"
                            }
                            return ReportRenderer.cellText(value)
                        }
                    }.joined(separator: " | ")
            }
        }.sorted()
    }
}
