import Foundation
import Testing
import TestSupport
@testable import TraceAnalysis

/// `periscope analyze ANALYSIS --lami` driven the way Trace Compass's LamiAnalysis drives an
/// external analysis (the first word with `--mi-version`, the command with `--metadata`, with
/// `--test-compatibility TRACE`, then with `--output-progress --begin NS --end NS TRACE`), every
/// output checked against the LAMI 1.0 specification (lttng/lami-spec).
@Suite("LAMI 1.0 as Trace Compass uses it", .serialized)
struct LAMIProtocolTests {
    static let periscope = BuiltProducts.periscopeBinary
    static let available =
        LTTngAnalysesComparisonTests.archiveAvailable && FileManager.default.isExecutableFile(atPath: periscope)
    static let reason: Comment = "needs shared/traces/lttng-ref beside the repository and the periscope binary"

    /// What a user registers in Trace Compass, split on spaces as Trace Compass splits it.
    static func registered(_ analysis: AnalysisKind) -> [String] { [periscope, "analyze", analysis.rawValue, "--lami"] }

    @Test(.enabled(if: available, reason), arguments: AnalysisKind.allCases.filter { $0 != .periods })
    func traceCompassSequence(analysis: AnalysisKind) throws {
        let trace = try LTTngAnalysesComparisonTests.extracted("basic-kernel-analysis")
        let command = Self.registered(analysis)

        // 1. The first word alone, with --mi-version: "MAJOR.MINOR".
        let version = try LTTngAnalyses.run([command[0], "--mi-version"])
        #expect(version.status == 0)
        #expect(version.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1.0")

        // 2. --metadata: one metadata object.
        let metadataRun = try LTTngAnalyses.run(command + ["--metadata"])
        #expect(metadataRun.status == 0)
        let metadata = try #require(
            try JSONSerialization.jsonObject(with: Data(metadataRun.output.utf8)) as? [String: Any])
        let tableClasses = try LAMISpec.checkMetadata(metadata)

        // 3. --test-compatibility TRACE: exit 0, nothing printed.
        let compatible = try LTTngAnalyses.run(command + ["--test-compatibility", trace])
        #expect(compatible.status == 0 && compatible.output.isEmpty, "\(compatible)")

        // 4. The run, with progress and a time range inside the trace.
        let begin: UInt64 = 1_521_484_760_000_000_000, end: UInt64 = 1_521_484_765_000_000_000
        let run = try LTTngAnalyses.run(
            command + ["--output-progress", "--begin", "\(begin)", "--end", "\(end)", trace])
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
        let first = try #require(lines.firstIndex { $0.hasPrefix("{") }, "no JSON object in \(run.output.prefix(500))")
        for line in lines[..<first] { LAMISpec.checkProgressLine(String(line)) }
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[first...].joined(separator: "\n").utf8)) as? [String: Any]
        )
        let results = try #require(document["results"] as? [[String: Any]])
        #expect(!results.isEmpty)
        for result in results {
            let range = try #require(result["time-range"] as? [String: Any])
            #expect(LAMISpec.timestamp(range["begin"]) == begin && LAMISpec.timestamp(range["end"]) == end)
            try LAMISpec.checkResult(result, tableClasses: tableClasses)
        }
    }

    /// Durations are nanoseconds, as LAMI defines them: lttng-schedstats's minimum for this
    /// trace is 1.740 µs, so the cell holds 1740 and no column claims microseconds.
    @Test(.enabled(if: available, reason))
    func durationsAreNanoseconds() throws {
        let trace = try LTTngAnalysesComparisonTests.extracted("basic-kernel-analysis")
        let run = try LTTngAnalyses.run(Self.registered(.schedlat) + [trace])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let stats = try #require(
            (document["results"] as? [[String: Any]])?.first { $0["class"] as? String == "sched-stats" })
        let row = try #require((stats["data"] as? [[[String: Any]]])?.first)
        #expect(row[1]["class"] as? String == "duration" && (row[1]["value"] as? NSNumber)?.uint64Value == 1740)
        let metadata = try LTTngAnalyses.run(Self.registered(.schedlat) + ["--metadata"])
        #expect(!metadata.output.contains("usec"))
    }

    /// Failures are LAMI error objects on standard output with a non-zero exit: an unreadable
    /// trace (also in the compatibility test, which Trace Compass reads as "compatible" when
    /// empty), a bad option, and a container the trace does not have.
    @Test(.enabled(if: available, reason))
    func errorsAreErrorObjects() throws {
        let trace = try LTTngAnalysesComparisonTests.extracted("basic-kernel-analysis")
        let bad = NSTemporaryDirectory() + "periscope-lami-bad-\(getpid())"
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        try Data("not a trace".utf8).write(to: URL(fileURLWithPath: bad + "/metadata"))
        let command = Self.registered(.cputop)
        for arguments in [
            ["--test-compatibility", bad], [bad], ["--limit", "many", trace], ["--no-such-option", trace],
            ["--container", "nosuch", trace]
        ] {
            let run = try LTTngAnalyses.run(command + arguments)
            #expect(run.status != 0, "\(arguments)")
            let object = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
            #expect(object.map(LAMISpec.isErrorObject) == true, "\(arguments): \(run.output)")
        }
        #expect(try LTTngAnalyses.run(command + ["--limit", "unlimited", trace]).status == 0)
    }
}

/// The LAMI 1.0 rules (lttng/lami-spec, lami.adoc) the tests check outputs against.
enum LAMISpec {
    static let cellClasses: Set<String> = [
        "unknown", "bool", "number", "string", "ratio", "timestamp", "duration", "size", "bitrate", "time-range",
        "syscall",
        "process", "path", "fd", "irq", "cpu", "disk", "part", "netif"
    ]

    /// The metadata object: `mi-version` 1.0, a title, table classes with titled, typed columns
    /// (`unit` only on number columns). Returns each class's column classes.
    static func checkMetadata(_ metadata: [String: Any]) throws -> [String: [String]] {
        let version = try #require(metadata["mi-version"] as? [String: Any])
        #expect((version["major"] as? NSNumber)?.intValue == 1 && (version["minor"] as? NSNumber)?.intValue == 0)
        #expect(metadata["title"] is String)
        let classes = try #require(metadata["table-classes"] as? [String: Any])
        #expect(!classes.isEmpty)
        var columnsByClass: [String: [String]] = [:]
        for (name, value) in classes {
            let tableClass = try #require(value as? [String: Any])
            #expect(tableClass["title"] is String, "\(name)")
            let columns = try #require(tableClass["column-descriptions"] as? [[String: Any]])
            columnsByClass[name] = try columns.map { column in
                let cellClass = try #require(column["class"] as? String)
                #expect(cellClasses.contains(cellClass) || cellClass == "mixed", "\(name): \(cellClass)")
                #expect(column["title"] is String)
                #expect(column["unit"] == nil || cellClass == "number", "\(name): a unit on a \(cellClass) column")
                return cellClass
            }
        }
        return columnsByClass
    }

    /// `VALUE[ MESSAGE]`, VALUE a fraction in 0...1 or `*`.
    static func checkProgressLine(_ line: String) {
        let value = line.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        #expect(value == "*" || Double(value).map { (0...1).contains($0) } == true, "bad progress line \(line)")
    }

    static func timestamp(_ object: Any?) -> UInt64? {
        guard let object = object as? [String: Any], object["class"] as? String == "timestamp" else { return nil }
        return (object["value"] as? NSNumber)?.uint64Value
    }

    static func isErrorObject(_ object: [String: Any]) -> Bool {
        object["error-message"] is String
            && (object["error-code"] == nil || object["error-code"] is String || object["error-code"] is NSNumber)
    }

    /// A result table: a known class, rows as wide as the class, each cell null or an object of
    /// the column's class (or `unknown`) with that class's properties.
    static func checkResult(_ result: [String: Any], tableClasses: [String: [String]]) throws {
        let range = try #require(result["time-range"] as? [String: Any])
        #expect(range["class"] as? String == "time-range")
        #expect(
            timestamp(range["begin"]) != nil && timestamp(range["end"]) != nil,
            "time-range bounds must be timestamp objects")
        let name = try #require(result["class"] as? String)
        let columns = try #require(tableClasses[name], "class \(name) is not in the metadata")
        let rows = try #require(result["data"] as? [[Any]])
        for row in rows {
            #expect(row.count == columns.count, "\(name): \(row.count) cells for \(columns.count) columns")
            for (cell, column) in zip(row, columns) {
                if cell is NSNull { continue }
                let object = try #require(cell as? [String: Any], "\(name): a bare cell \(cell)")
                let cellClass = object["class"] as? String
                #expect(
                    cellClass == column || cellClass == "unknown",
                    "\(name): a \(cellClass ?? "?") cell in a \(column) column")
                checkProperties(object, name: name)
            }
        }
    }

    static func checkProperties(_ cell: [String: Any], name: String) {
        func isInteger(_ key: String) -> Bool {
            (cell[key] as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false
        }
        switch cell["class"] as? String {
        case "timestamp", "duration", "size":
            #expect(isInteger("value") && ((cell["value"] as? NSNumber)?.int64Value ?? -1) >= 0, "\(name): \(cell)")
        case "number", "ratio": #expect(cell["value"] is NSNumber, "\(name): \(cell)")
        case "string": #expect(cell["value"] is String)
        case "process":
            #expect(cell["name"] is String)
            #expect(cell["pid"] == nil || isInteger("pid"))
            #expect(cell["tid"] == nil || isInteger("tid"))
        case "cpu": #expect(isInteger("id"))
        case "irq": #expect((cell["hard"] is Bool || cell["hard"] is NSNumber) && isInteger("nr"))
        case "syscall", "disk": #expect(cell["name"] is String)
        case "fd": #expect(isInteger("fd"))
        case "path": #expect(cell["path"] is String)
        default: break
        }
    }
}
