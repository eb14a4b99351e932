import Foundation
import KernelTrace
import Testing
@testable import TraceAnalysis

private let comparisonRoot = NSTemporaryDirectory() + "periscope-lttng-analyses-\(getpid())"

/// Periscope's analyses against lttng-analyses 0.6.1 (Debian `python3-lttnganalyses`, run as
/// the `lttng-*-mi` LAMI commands) on the real LTTng traces of `shared/traces/lttng-ref`.
@Suite("analyses against lttng-analyses on the LTTng reference traces", .serialized)
struct LTTngAnalysesComparisonTests {
    static let archiveDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/traces/lttng-ref").standardized.path
    static let archiveAvailable = FileManager.default.fileExists(atPath: archiveDirectory + "/16-cores-rt.tar.xz")
    static let available = archiveAvailable && LTTngAnalyses.installed
    static let reason: Comment = "needs shared/traces/lttng-ref beside the repository and lttng-analyses (scripts/test-setup.sh installs it)"
    static let traces = ["basic-kernel-analysis", "16-cores-rt"]

    private static let lock = NSLock()

    static func extracted(_ name: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let path = comparisonRoot + "/" + name
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: comparisonRoot, withIntermediateDirectories: true)
            atexit { try? FileManager.default.removeItem(atPath: comparisonRoot) }
            let result = try LTTngAnalyses.run(["/usr/bin/tar", "-xJf", archiveDirectory + "/\(name).tar.xz", "-C", comparisonRoot])
            try #require(result.status == 0, "tar: \(result.error)")
        }
        return path
    }

    /// Scheduling latency: the wakeup-to-switch-in pairs are lttng-schedlog's, and count, min,
    /// avg and max are lttng-schedstats --total's. So no wakeup sent while the task still ran is
    /// paired with a later switch-in (the 16-cores-rt trace has four such pairs, up to 928 ms).
    ///
    /// One lttng-analyses bug is allowed for, exactly: it does not know which thread runs on a CPU
    /// before that CPU's first sched_switch, so a waking of a thread that was running there at the
    /// start of the trace counts as its wakeup, even after the thread was switched out and woken
    /// again. Each such pair must have a Periscope pair with the same switch-in and a later wakeup,
    /// and a switch-out of the thread in between; lttng's total is corrected by the difference.
    @Test(.enabled(if: available, reason), arguments: traces)
    func schedlatMatchesLTTngAnalyses(trace name: String) throws {
        let path = try Self.extracted(name)
        let expected = try #require(try LTTngAnalyses.table("lttng-schedstats-mi", ["--total", path], class: "total_stats").first)
        // lttng-schedlog rows: wakeup, switch, latency, prio, cpu, wakee, waker.
        let lttngLog = try LTTngAnalyses.rows("lttng-schedlog-mi", [path], class: "log").map { row in
            Pair(wakeup: try #require(row[0]["value"] as? NSNumber).uint64Value, switchIn: try #require(row[1]["value"] as? NSNumber).uint64Value,
                 tid: try #require(row[5]["tid"] as? NSNumber).int32Value)
        }
        var options = AnalysisOptions()
        options.statistics = true
        options.log = true
        let report = try TraceAnalysisRunner.run(.schedlat, source: try CTFTraceSource(path: path), options: options)
        let periscopeLog = try #require(report.table("sched-log")).rows.map { row -> Pair in
            guard case .timestamp(let wakeup) = row[0], case .timestamp(let switchIn) = row[1], case .process(_, _, let tid?) = row[5] else {
                return Pair(wakeup: 0, switchIn: 0, tid: -1)
            }
            return Pair(wakeup: wakeup, switchIn: switchIn, tid: tid)
        }
        let onlyLTTng = Set(lttngLog).subtracting(periscopeLog), onlyPeriscope = Set(periscopeLog).subtracting(lttngLog)
        #expect(onlyLTTng.count == onlyPeriscope.count)
        var switchOuts = SwitchOutCollector(tids: Set(onlyLTTng.map(\.tid)))
        try CTFTraceSource(path: path).run(into: &switchOuts)
        var correction: UInt64 = 0
        for stale in onlyLTTng {
            let ours = onlyPeriscope.first { $0.tid == stale.tid && $0.switchIn == stale.switchIn }
            #expect(ours.map { $0.wakeup > stale.wakeup } == true, "lttng-analyses pairs \(stale) that Periscope does not explain")
            guard let ours else { continue }
            #expect(switchOuts.times[stale.tid, default: []].contains { $0 > stale.wakeup && $0 < ours.wakeup },
                    "\(stale): no switch-out of \(stale.tid) between lttng's wakeup and Periscope's")
            correction += ours.wakeup - stale.wakeup
        }
        let total = try #require(report.table("sched-stats")?.rows.first)
        guard case .integer(let count) = total[0], case .duration(let minimum) = total[1], case .duration(let average) = total[2],
            case .duration(let maximum) = total[3]
        else { Issue.record("unexpected row \(total)"); return }
        #expect(Double(count) == expected[0])
        #expect(Double(minimum) == expected[1])
        #expect(Double(maximum) == expected[3])
        // Periscope rounds the mean to whole nanoseconds; lttng's, corrected, is exact.
        let correctedMean = (expected[2] * expected[0] - Double(correction)) / expected[0]
        #expect(abs(Double(average) - correctedMean) <= 0.5 + 1e-6)
    }

    /// memtop --count events agrees with lttng-memtop per thread (its "pages" are events), and
    /// the default counts 2^order pages per event.
    ///
    /// lttng-memtop's totals leave out, exactly: events of the idle threads (tid 0, which it
    /// treats as no thread), and frees while its global count of allocations minus frees since
    /// the trace began is 0 (it cannot go negative, so frees of pages allocated before the trace
    /// are dropped). `LTTngMemoryModel` counts both from the trace, and its totals must be
    /// lttng-memtop's.
    @Test(.enabled(if: available, reason))
    func memtopMatchesLTTngMemtop() throws {
        let path = try Self.extracted("basic-kernel-analysis")
        let allocated = try LTTngAnalyses.rows("lttng-memtop-mi", [path], class: "allocd")
        let freed = try LTTngAnalyses.rows("lttng-memtop-mi", [path], class: "freed")
        let total = try #require(try LTTngAnalyses.table("lttng-memtop-mi", [path], class: "total").first)
        var options = AnalysisOptions()
        options.memoryCount = .events
        let events = try TraceAnalysisRunner.run(.memtop, source: try CTFTraceSource(path: path), options: options)
        let perThread = try #require(events.table("memtop-per-tid")).rows.reduce(into: [Int32: (Int64, Int64)]()) { table, row in
            if case .process(_, _, let tid?) = row[0], case .integer(let allocations) = row[2], case .integer(let frees) = row[3] {
                table[tid] = (allocations, frees)
            }
        }
        #expect(events.table("memtop-per-tid")?.tableClass.columns[2].unit == "events")
        #expect(allocated.count == 10 && freed.count == 10)
        for row in allocated {
            let tid = try #require(row[0]["tid"] as? NSNumber).int32Value
            #expect(perThread[tid]?.0 == (row[1]["value"] as? NSNumber)?.int64Value, "allocations of \(tid)")
        }
        for row in freed {
            let tid = try #require(row[0]["tid"] as? NSNumber).int32Value
            #expect(perThread[tid]?.1 == (row[1]["value"] as? NSNumber)?.int64Value, "frees of \(tid)")
        }
        var model = LTTngMemoryModel()
        try CTFTraceSource(path: path).run(into: &model)
        let idle = perThread[0] ?? (0, 0)
        #expect(idle.0 == model.idleAllocations && idle.1 == model.idleFrees)
        let totals = try #require(events.table("memtop-total")?.rows.first)
        #expect(totals[0] == .integer(Int64(total[0]) + idle.0))
        #expect(totals[1] == .integer(Int64(total[1]) + idle.1 + model.freesDroppedByLTTng))
        let pages = try TraceAnalysisRunner.run(.memtop, source: try CTFTraceSource(path: path), options: AnalysisOptions())
        #expect(pages.table("memtop-total")?.rows.first?[0] == .integer(model.allocatedPages))
        #expect(pages.table("memtop-total")?.tableClass.columns[0].unit == "pages")
    }

    /// Replays page events the way lttng-memtop counts them: the current thread of a CPU is
    /// known from its first sched_switch; a free is dropped while allocations minus frees is 0.
    struct LTTngMemoryModel: EventConsumer {
        var idleAllocations: Int64 = 0
        var idleFrees: Int64 = 0
        var freesDroppedByLTTng: Int64 = 0
        /// 2^order pages allocated while a thread (the idle one included) was known to run.
        var allocatedPages: Int64 = 0
        private var outstanding = 0
        private var current: [Int: Int64] = [:]
        private var nextTID: [Int: Int] = [:]
        private var order: [Int: Int] = [:]
        private var allocation: Set<Int> = []

        mutating func begin(_ trace: TraceDescription) {
            for eventClass in trace.classes.classes {
                switch eventClass.name {
                case "sched_switch": nextTID[eventClass.index] = eventClass.fieldIndex(named: "next_tid")
                case "kmem_mm_page_alloc", "kmem_mm_page_free":
                    order[eventClass.index] = eventClass.fieldIndex(named: "order")
                    if eventClass.name.hasSuffix("alloc") { allocation.insert(eventClass.index) }
                default: break
                }
            }
        }

        mutating func consume(_ record: EventRecord) {
            if let field = nextTID[record.classIndex] {
                current[record.cpu] = record.signed(field)
                return
            }
            guard let field = order[record.classIndex] else { return }
            let thread = current[record.cpu]
            if allocation.contains(record.classIndex) {
                outstanding += 1
                if thread != nil { allocatedPages += 1 << record.signed(field) }
                if thread == 0 { idleAllocations += 1 }
            } else if outstanding == 0 {
                if let thread, thread != 0 { freesDroppedByLTTng += 1 }
                if thread == 0 { idleFrees += 1 }
            } else {
                outstanding -= 1
                if thread == 0 { idleFrees += 1 }
            }
        }
    }

    struct Pair: Hashable {
        var wakeup: UInt64
        var switchIn: UInt64
        var tid: Int32
    }

    /// When each of some threads was switched out (`sched_switch` with it as `prev_tid`).
    struct SwitchOutCollector: EventConsumer {
        let tids: Set<Int32>
        var times: [Int32: [UInt64]] = [:]
        private var previousTID: [Int: Int] = [:]

        init(tids: Set<Int32>) { self.tids = tids }

        mutating func begin(_ trace: TraceDescription) {
            for eventClass in trace.classes.classes where eventClass.name == "sched_switch" {
                previousTID[eventClass.index] = eventClass.fieldIndex(named: "prev_tid")
            }
        }

        mutating func consume(_ record: EventRecord) {
            guard let field = previousTID[record.classIndex] else { return }
            let tid = Int32(truncatingIfNeeded: record.signed(field))
            if tids.contains(tid) { times[tid, default: []].append(record.timestamp) }
        }
    }
}

/// Runs lttng-analyses' LAMI commands and reads their result tables.
enum LTTngAnalyses {
    static let installed = FileManager.default.isExecutableFile(atPath: "/usr/bin/lttng-schedstats-mi")

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes while the child runs, so neither fills up and blocks it.
        nonisolated(unsafe) var errorData = Data()
        let errorReader = Thread { errorData = error.fileHandleForReading.readDataToEndOfFile() }
        errorReader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorReader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    /// The rows of the result tables of class `tableClass`, each cell as its JSON object (an
    /// empty one for `null`).
    static func rows(_ command: String, _ arguments: [String], class tableClass: String) throws -> [[[String: Any]]] {
        let result = try run(["/usr/bin/" + command] + arguments)
        try #require(result.status == 0, "\(command) failed: \(result.error.suffix(2000))")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let results = try #require(document["results"] as? [[String: Any]])
        return results.filter { ($0["class"] as? String) == tableClass }.flatMap { table in
            ((table["data"] as? [[Any]]) ?? []).map { row in row.map { ($0 as? [String: Any]) ?? [:] } }
        }
    }

    /// Those rows with each cell as its number (`value`), NaN for other objects.
    static func table(_ command: String, _ arguments: [String], class tableClass: String) throws -> [[Double]] {
        try rows(command, arguments, class: tableClass).map { row in row.map { ($0["value"] as? NSNumber)?.doubleValue ?? .nan } }
    }
}
