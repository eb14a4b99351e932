import Reporting
import TraceAnalysis

/// Renders an `AnalysisReport` as text tables (lttng-analyses style), JSON or a LAMI 1.0 result.
package enum ReportRenderer {
    /// Text: notes, then each table with its title, then each histogram in bcc's layout.
    package static func text(_ report: AnalysisReport, epochOffset: Int64 = 0) -> String {
        var output = "Timerange: [\(timestamp(report.begin, epochOffset)), \(timestamp(report.end, epochOffset))]\n"
        for note in report.notes { output += note + "\n" }
        for table in report.tables {
            output += "\n\(table.title)\n"
            if table.rows.isEmpty {
                output += "(none)\n"
                continue
            }
            var text = TextTable(
                columns: table.tableClass.columns.map { column in
                    let alignment: TextTable.Alignment =
                        ["number", "ratio", "duration", "size", "fd", "cpu"].contains(column.lamiClass) ? .right : .left
                    // Text shows durations in microseconds, as lttng-analyses does; the report holds ns.
                    let unit = column.lamiClass == "duration" ? "usec" : column.unit
                    return TextTable.Column(unit.map { "\(column.title) (\($0))" } ?? column.title, alignment)
                })
            for row in table.rows { text.append(row.map { cellText($0) }) }
            output += text.render()
            if !output.hasSuffix("\n") { output += "\n" }
        }
        for histogram in report.histograms {
            output += "\n\(histogram.title)\n"
            switch histogram.buckets {
            case .log2(let log2): output += log2.render(unit: histogram.unit)
            case .linear(let linear): output += linear.render(unit: histogram.unit, scale: 1)
            }
        }
        return output
    }

    /// `HH:MM:SS.nnnnnnnnn` of the day (UTC) for Epoch-based timestamps, else seconds.
    static func timestamp(_ value: UInt64, _ epochOffset: Int64) -> String {
        // Wrapping, like the clock it models: a corrupt time prints as some time, never a trap.
        let absolute = value &+ UInt64(bitPattern: epochOffset)
        let nanoseconds = absolute % 1_000_000_000
        let seconds = absolute / 1_000_000_000
        let fraction = String(nanoseconds).leftPadded(toWidth: 9).replacingSpaces()
        guard seconds > 1_000_000_000 else { return "\(seconds).\(fraction)" }
        let day = seconds % 86_400
        func two(_ value: UInt64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(day / 3600)):\(two(day % 3600 / 60)):\(two(day % 60)).\(fraction)"
    }

    static func cellText(_ value: ReportValue) -> String {
        switch value {
        case .integer(let value): String(value)
        case .number(let value): fixed(value, 3)
        case .ratio(let value): fixed(value * 100, 2) + " %"
        case .timestamp(let value): timestamp(value, 0)
        case .duration(let value): fixed(Double(value) / 1000, 3)
        case .size(let value): sizeText(value)
        case .string(let value): value
        case .process(let name, let pid, let tid):
            if let tid { "\(name) (\(tid))" } else if let pid { "\(name) (\(pid))" } else { name }
        case .cpu(let cpu): "CPU \(cpu)"
        case .irq(let hard, let number, let name): hard ? "\(number) <\(name)>" : "\(number) <\(name)>"
        case .syscall(let name): name
        case .disk(let name): name
        case .fileDescriptor(let fd): String(fd)
        case .path(let path): path
        case .empty: ""
        }
    }

    static func sizeText(_ bytes: UInt64) -> String { byteCount(Double(bytes), decimals: 2) }

    // MARK: JSON

    package static func json(_ report: AnalysisReport) -> JSONValue {
        .object([
            ("analysis", .string(report.analysis)),
            // Trace timestamps: CLOCK_MONOTONIC nanoseconds, named as docs/json.md says.
            ("beginMonotonicNanoseconds", .unsigned(report.begin)),
            ("endMonotonicNanoseconds", .unsigned(report.end)),
            ("events", .unsigned(report.eventCount)),
            ("lostEvents", .unsigned(report.lostEvents)),
            ("notes", .array(report.notes.map { .string($0) })),
            (
                "tables",
                .array(
                    report.tables.map { table in
                        .object([
                            ("name", .string(table.tableClass.name)),
                            ("title", .string(table.title)),
                            (
                                "columns",
                                .array(
                                    table.tableClass.columns.map { column in
                                        .object(
                                            [("title", .string(column.title)), ("class", .string(column.lamiClass))]
                                                + (column.unit.map { [("unit", JSONValue.string($0))] } ?? []))
                                    })
                            ),
                            ("rows", .array(table.rows.map { row in .array(row.map(plainJSON)) }))
                        ])
                    })
            ),
            (
                "histograms",
                .array(
                    report.histograms.map { histogram in
                        .object([
                            ("title", .string(histogram.title)),
                            ("unit", .string(histogram.unit)),
                            (
                                "buckets",
                                .array(
                                    buckets(histogram).map { bucket in
                                        .object([
                                            ("low", .unsigned(bucket.low)), ("high", .unsigned(bucket.high)),
                                            ("count", .unsigned(bucket.count))
                                        ])
                                    })
                            )
                        ])
                    })
            )
        ])
    }

    static func buckets(_ histogram: ReportHistogram) -> [(low: UInt64, high: UInt64, count: UInt64)] {
        switch histogram.buckets {
        case .log2(let log2):
            return log2.rows
        case .linear(let linear):
            return linear.buckets.enumerated().map { index, count in
                (
                    linear.lower + UInt64(index) * linear.width, linear.lower + UInt64(index + 1) * linear.width - 1,
                    count
                )
            }
        }
    }

    /// JSON for `--json`: numbers stay numbers (durations in ns), processes become objects.
    static func plainJSON(_ value: ReportValue) -> JSONValue {
        switch value {
        case .integer(let value): .integer(value)
        case .number(let value), .ratio(let value): .double(value)
        case .timestamp(let value), .duration(let value), .size(let value): .unsigned(value)
        case .string(let value), .syscall(let value), .disk(let value), .path(let value): .string(value)
        case .process(let name, let pid, let tid):
            .object(
                [("name", .string(name))] + (pid.map { [("pid", JSONValue.integer(Int64($0)))] } ?? [])
                    + (tid.map { [("tid", JSONValue.integer(Int64($0)))] } ?? []))
        case .cpu(let cpu): .integer(Int64(cpu))
        case .irq(let hard, let number, let name):
            .object([("hard", .bool(hard)), ("nr", .integer(Int64(number))), ("name", .string(name))])
        case .fileDescriptor(let fd): .integer(fd)
        case .empty: .null
        }
    }

    // MARK: LAMI 1.0

    /// A LAMI cell object (`{"class": "duration", "value": 1234}`).
    static func lamiCell(_ value: ReportValue) -> JSONValue {
        switch value {
        case .integer(let value): .object([("class", .string("number")), ("value", .integer(value))])
        case .number(let value): .object([("class", .string("number")), ("value", .double(value))])
        case .ratio(let value): .object([("class", .string("ratio")), ("value", .double(value))])
        case .timestamp(let value): .object([("class", .string("timestamp")), ("value", .unsigned(value))])
        case .duration(let value): .object([("class", .string("duration")), ("value", .unsigned(value))])
        case .size(let value): .object([("class", .string("size")), ("value", .unsigned(value))])
        case .string(let value): .object([("class", .string("string")), ("value", .string(value))])
        case .process(let name, let pid, let tid):
            .object(
                [("class", .string("process")), ("name", .string(name))]
                    + (pid.map { [("pid", JSONValue.integer(Int64($0)))] } ?? [])
                    + (tid.map { [("tid", JSONValue.integer(Int64($0)))] } ?? []))
        case .cpu(let cpu): .object([("class", .string("cpu")), ("id", .integer(Int64(cpu)))])
        case .irq(let hard, let number, let name):
            .object([
                ("class", .string("irq")), ("hard", .bool(hard)), ("nr", .integer(Int64(number))),
                ("name", .string(name))
            ])
        case .syscall(let name): .object([("class", .string("syscall")), ("name", .string(name))])
        case .disk(let name): .object([("class", .string("disk")), ("name", .string(name))])
        case .fileDescriptor(let fd): .object([("class", .string("fd")), ("fd", .integer(fd))])
        case .path(let path): .object([("class", .string("path")), ("path", .string(path))])
        case .empty: .null
        }
    }

    /// The LAMI result document: one result per table.
    package static func lami(_ report: AnalysisReport) -> JSONValue {
        let range = JSONValue.object([
            ("class", .string("time-range")), ("begin", lamiCell(.timestamp(report.begin))),
            ("end", lamiCell(.timestamp(report.end)))
        ])
        return .object([
            (
                "results",
                .array(
                    report.tables.map { table in
                        .object([
                            ("time-range", range), ("class", .string(table.tableClass.name)),
                            ("data", .array(table.rows.map { .array($0.map(lamiCell)) }))
                        ])
                    })
            )
        ])
    }

    /// The LAMI error object.
    package static func lamiError(message: String, code: Int) -> JSONValue {
        .object([("error-message", .string(message)), ("error-code", .integer(Int64(code)))])
    }

    /// The `--metadata` document for an analysis's table classes.
    package static func lamiMetadata(
        analysis: String, title: String, description: String, tableClasses: [ReportTableClass]
    ) -> JSONValue {
        .object([
            ("mi-version", .object([("major", .integer(1)), ("minor", .integer(0))])),
            ("version", .object([("major", .integer(0)), ("minor", .integer(1)), ("patch", .integer(0))])),
            ("title", .string(title)),
            ("description", .string(description)),
            ("authors", .array([.string("Periscope")])),
            ("tags", .array([.string("periscope"), .string(analysis), .string("container")])),
            (
                "table-classes",
                .object(
                    tableClasses.map { tableClass in
                        (
                            tableClass.name,
                            .object([
                                ("title", .string(tableClass.title)),
                                (
                                    "column-descriptions",
                                    .array(
                                        tableClass.columns.map { column in
                                            .object(
                                                [("title", .string(column.title)), ("class", .string(column.lamiClass))]
                                                    + (column.unit.map { [("unit", JSONValue.string($0))] } ?? []))
                                        })
                                )
                            ])
                        )
                    })
            )
        ])
    }
}

extension String {
    fileprivate func replacingSpaces() -> String { String(map { $0 == " " ? "0" : $0 }) }
}
