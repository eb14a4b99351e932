import Foundation
import KernelTrace
import Testing
@testable import TraceAnalysis

private let referenceRoot = NSTemporaryDirectory() + "periscope-analyze-ref-\(getpid())"

/// The analyses on the real LTTng 2.10 kernel trace of `shared/traces/lttng-ref`, against what
/// lttng-analyses 0.6.1 (`lttng-cputop`) prints for it and what babeltrace2 counts.
@Suite("analyses of the basic-kernel-analysis LTTng trace", .serialized)
struct LTTngReferenceTraceTests {
    static let archive = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/traces/lttng-ref/basic-kernel-analysis.tar.xz").standardized.path
    static let available = FileManager.default.fileExists(atPath: archive)
    static let reason: Comment = "needs shared/traces/lttng-ref beside the repository"

    static let extracted: Result<String, Error> = Result {
        let root = referenceRoot
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: referenceRoot) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["-xJf", archive, "-C", root]
        try tar.run()
        tar.waitUntilExit()
        return root + "/basic-kernel-analysis"
    }

    func run(_ kind: AnalysisKind, _ configure: (inout AnalysisOptions) -> Void = { _ in }) throws -> AnalysisReport {
        var options = AnalysisOptions()
        configure(&options)
        return try TraceAnalysisRunner.run(
            kind, source: try CTFTraceSource(path: try Self.extracted.get()), options: options)
    }

    @Test("cputop matches lttng-cputop", .enabled(if: available, reason))
    func cputopMatchesLTTngAnalyses() throws {
        let report = try run(.cputop)
        // lttng-cputop: 3.40 % (13665), 1.85 % (13674), 1.15 % (13666), 1.01 % (13677); CPU 0 7.30 %, CPU 1 11.62 %.
        let rows = try #require(report.table("per-tid")?.rows)
        let expected: [(Int32, Double)] = [(13665, 3.40), (13674, 1.85), (13666, 1.15), (13677, 1.01)]
        for (row, (tid, percent)) in zip(rows, expected) {
            guard case .ratio(let usage) = row[0], case .process(_, _, let rowTID) = row[1] else {
                Issue.record("bad row \(row)"); continue
            }
            #expect(rowTID == tid)
            #expect(abs(usage * 100 - percent) < 0.005)
        }
        let cpus = try #require(report.table("per-cpu")?.rows)
        #expect(
            cpus.map { row -> Double in
                if case .ratio(let usage) = row[0] { return (usage * 10_000).rounded() / 100 } else { return -1 }
            } == [7.30, 11.62])
        #expect(report.begin == 1_521_484_759_831_423_009 && report.end == 1_521_484_766_800_583_411)
    }

    @Test("syscall and soft IRQ counts equal babeltrace2's event counts", .enabled(if: available, reason))
    func countsMatchTheTrace() throws {
        // babeltrace2 prints 10515 syscall_exit_newlstat, 1843 syscall_exit_read and 1957 irq_softirq_exit.
        let syscalls = try #require(try run(.syscalls).table("syscalls"))
        #expect(syscalls.rows.first { $0[0] == .syscall("newlstat") }?[2] == .integer(10_515))
        // One read entered before the trace started: its exit has no entry.
        #expect(syscalls.rows.first { $0[0] == .syscall("read") }?[2] == .integer(1_842))
        let softIRQs = try #require(try run(.irq).table("soft-irq"))
        let total = softIRQs.rows.reduce(Int64(0)) { sum, row in
            if case .integer(let count) = row[1] { sum + count } else { sum }
        }
        #expect(total == 1_957)
        let memory = try #require(try run(.memtop).table("memtop-total")?.rows.first)
        // 33703 kmem_mm_page_alloc events, some of order > 0.
        if case .integer(let pages) = memory[0] { #expect(pages >= 33_703) } else { Issue.record("no page count") }
    }
}
