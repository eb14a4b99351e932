import Foundation
import KernelTrace
import Testing
import TestSupport
@testable import TraceAnalysis

private let conversionRoot = NSTemporaryDirectory() + "periscope-lttng-conversion-\(getpid())"

/// Live: records a short trace with some disk I/O, converts it with `trace convert --to ctf OUT`,
/// and runs lttng-analyses on OUT as it is (no moving files into a session layout): every
/// command runs to the end, and its key numbers agree with `periscope analyze` on the same CTF.
@Suite("lttng-analyses on a converted Periscope trace", .serialized)
// Named *LiveTests so scripts/test.sh runs it with the live suites, one at a time; it stays in
// this target because it shares the lttng-analyses comparison helpers.
struct LTTngAnalysesOnConversionLiveTests {
    static let available =
        (getuid() == 0 && FileManager.default.fileExists(atPath: "/sys/kernel/tracing/trace"))
        && LTTngAnalyses.installed
    static let reason: Comment =
        "needs root, tracefs at /sys/kernel/tracing, the periscope binary and lttng-analyses (scripts/test-setup.sh)"
    static let commands = [
        "cputop", "iolatencystats", "iolatencytop", "iousagetop", "schedstats", "syscallstats", "irqstats", "memtop"
    ]

    /// 4 MiB written with O_DIRECT by dd, read back with O_DIRECT by another dd, then sync, all traced.
    static let converted: Result<String, Error> = Result {
        let root = conversionRoot
        try? FileManager.default.removeItem(atPath: root)
        atexit { try? FileManager.default.removeItem(atPath: conversionRoot) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let directory = root + "/trace", ctf = root + "/ctf"
        let recorder = Process()
        recorder.executableURL = URL(fileURLWithPath: BuiltProducts.periscopeBinary)
        // Recorded from the statedump (written once tracing is on) until the workload is done,
        // however long a loaded machine makes either take; -d only bounds a hung workload.
        recorder.arguments = [
            "trace", "record", "-e", "sched", "syscalls", "block", "irq", "mm", "-d", "120", "-o", directory
        ]
        recorder.standardOutput = FileHandle.nullDevice
        try recorder.run()
        let tracing = Date(timeIntervalSinceNow: 60)
        while !FileManager.default.fileExists(atPath: directory + "/statedump.json"), recorder.isRunning,
            Date() < tracing
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(
            FileManager.default.fileExists(atPath: directory + "/statedump.json"), "trace record did not start")
        let file = root + "/data"
        let workload = try LTTngAnalyses.run([
            "/bin/sh", "-c",
            "dd if=/dev/zero of=\(file) bs=64k count=64 oflag=direct status=none && dd if=\(file) of=/dev/null bs=64k iflag=direct status=none && sync"
        ])
        try #require(workload.status == 0, "workload: \(workload.error)")
        Thread.sleep(forTimeInterval: 0.3)
        recorder.interrupt()
        recorder.waitUntilExit()
        try #require(recorder.terminationStatus == 0, "trace record failed")
        let convert = try LTTngAnalyses.run([
            BuiltProducts.periscopeBinary, "trace", "convert", directory, "--to", "ctf", ctf
        ])
        try #require(convert.status == 0, "trace convert: \(convert.error)")
        return ctf
    }

    @Test("every lttng-analyses command runs to the end on OUT", .live(if: available, reason), arguments: commands)
    func commandRunsToTheEnd(command: String) throws {
        let ctf = try Self.converted.get()
        let result = try LTTngAnalyses.run(["/usr/bin/lttng-\(command)-mi", ctf])
        #expect(result.status == 0, "lttng-\(command): \(result.output.prefix(300)) \(result.error.suffix(1000))")
        let document = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        #expect(document?["results"] is [Any], "lttng-\(command) printed no results: \(result.output.prefix(300))")
        // It analysed the whole trace: its time range ends where Periscope's does (stream intersection cut nothing).
        guard let results = document?["results"] as? [[String: Any]],
            let range = results.first?["time-range"] as? [String: Any]
        else { return }
        let periscope = try TraceAnalysisRunner.run(
            .cputop, source: try CTFTraceSource(path: ctf), options: AnalysisOptions())
        #expect(LAMISpec.timestamp(range["end"]) == periscope.end)
        #expect(
            LAMISpec.timestamp(range["begin"]).map { $0 < periscope.begin } == true,
            "the statedump comes before the first event")
    }

    @Test("lttng-schedstats and lttng-memtop agree with periscope analyze", .live(if: available, reason))
    func schedulingAndMemoryAgree() throws {
        let ctf = try Self.converted.get()
        try LTTngAnalysesComparisonTests.checkSchedlat(trace: ctf)
        try LTTngAnalysesComparisonTests.checkMemtop(trace: ctf)
    }

    /// lttng-iousagetop's per-process syscall bytes for the two dd processes, and
    /// lttng-iolatencystats's disk request count, min and max. lttng-analyses leaves out
    /// requests of 0 sectors (flushes), so those are left out of Periscope's side too.
    @Test("lttng-iousagetop and lttng-iolatencystats agree with periscope analyze", .live(if: available, reason))
    func ioAgrees() throws {
        let ctf = try Self.converted.get()
        var options = AnalysisOptions()
        options.filter.processNames = ["dd"]
        let usage = try TraceAnalysisRunner.run(.iousage, source: try CTFTraceSource(path: ctf), options: options)
        let ours = try #require(usage.table("iousage-per-process")).rows.reduce(into: [Int32: (UInt64, UInt64)]()) {
            table, row in
            if case .process(_, let pid?, _) = row[0], case .size(let read) = row[2], case .size(let written) = row[3] {
                table[pid] = (read, written)
            }
        }
        #expect(ours.values.contains { $0.1 == 4 << 20 }, "dd wrote 4 MiB: \(ours)")
        #expect(ours.values.contains { $0.0 >= 4 << 20 }, "dd read the 4 MiB back: \(ours)")
        let lttngRows = try LTTngAnalyses.run(["/usr/bin/lttng-iousagetop-mi", ctf])
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(lttngRows.output.utf8)) as? [String: Any])
        let tables = try #require(document["results"] as? [[String: Any]])
        for (title, column) in [("[read]", 0), ("[written]", 1)] {
            let table = try #require(
                tables.first {
                    (($0["class"] as? [String: Any])?["inherit"] as? String) == "per-process-top"
                        && (($0["class"] as? [String: Any])?["title"] as? String)?.hasSuffix(title) == true
                })
            for row in (table["data"] as? [[[String: Any]]]) ?? [] where row[0]["name"] as? String == "dd" {
                let pid = try #require(row[0]["pid"] as? NSNumber).int32Value
                let bytes = try #require(row[1]["value"] as? NSNumber).uint64Value
                // lttng-iousagetop counts 17-27% fewer bytes than dd moved on some runs (varying
                // from run to run on the same workload; not root-caused, see the issue 13 note),
                // while Periscope's figure is the exact 4 MiB checked above: lttng-analyses may
                // miss bytes but must never see more than Periscope.
                let ourBytes = try #require(
                    column == 0 ? ours[pid]?.0 : ours[pid]?.1, "dd \(pid) is in Periscope's table")
                #expect(bytes <= ourBytes, "dd \(pid) \(title)")
            }
        }

        var logOptions = AnalysisOptions()
        logOptions.log = true
        let latency = try TraceAnalysisRunner.run(
            .iolatency, source: try CTFTraceSource(path: ctf), options: logOptions)
        var perDisk: [String: [UInt64]] = [:]
        for row in try #require(latency.table("iolatency-log")).rows {
            guard case .duration(let duration) = row[2], case .disk(let disk) = row[3], case .size(let bytes) = row[6],
                bytes > 0
            else { continue }
            perDisk["(\(disk))", default: []].append(duration)
        }
        let disks = try LTTngAnalyses.rows("lttng-iolatencystats-mi", [ctf], class: "disk-latency-stats")
        #expect(!disks.isEmpty)
        for row in disks {
            let name = try #require(row[0]["name"] as? String)
            let durations = perDisk[name] ?? []
            #expect((row[1]["value"] as? NSNumber)?.intValue == durations.count, "\(name) request count")
            #expect((row[2]["value"] as? NSNumber)?.uint64Value == durations.min(), "\(name) min")
            #expect((row[4]["value"] as? NSNumber)?.uint64Value == durations.max(), "\(name) max")
        }
    }
}
