import ContainerInventory
import Reporting
import ResourceMetrics

/// Lays out a `TopFrame` as the lines of a screen: the host header, then the container
/// table or one container's processes, then (live only) a key help line.
///
/// Pure: the same frame, state and size give the same lines, which is what the tests check.
package struct TopRenderer: Sendable {
    /// Columns; nil for batch output, which is never cut.
    package var width: Int?
    /// Rows; nil for batch output, which shows every row.
    package var height: Int?
    /// Live view: highlight the selection and end with the key help line.
    package var isInteractive: Bool

    /// Creates a renderer for a screen of `width` × `height`, or unbounded plain output.
    package init(width: Int? = nil, height: Int? = nil, isInteractive: Bool = false) {
        self.width = width
        self.height = height
        self.isInteractive = isInteractive
    }

    /// The name column never shrinks below this, and never grows past the longest name or
    /// `nameMaximumWidth`.
    static let nameMinimumWidth = 8
    static let nameMaximumWidth = 48

    private struct Column: Sendable {
        var header: String
        var width: Int
        var sortKey: TopSortKey?
        var value: @Sendable (TopRow) -> String
    }

    private static let columns: [Column] = [
        Column(header: "CPU", width: 6, sortKey: .cpu) { TopFormat.fixed($0.cpuCores, 2) },
        Column(header: "%CAP", width: 6, sortKey: nil) { TopFormat.fixed($0.cpuPercentOfCap, 1) },
        Column(header: "THR%", width: 6, sortKey: .throttled) { TopFormat.fixed($0.throttledPercentOfPeriods, 1) },
        Column(header: "MEM", width: 7, sortKey: .memory) { TopFormat.bytes($0.memoryWorkingSetBytes) },
        Column(header: "LIMIT", width: 7, sortKey: nil) { row in
            row.memoryLimitBytes.map { TopFormat.bytes($0) }
                ?? (row.memoryWorkingSetBytes == nil ? TopFormat.unknown : "none")
        },
        Column(header: "READ/s", width: 7, sortKey: .io) { TopFormat.bytes($0.blockReadBytesPerSecond) },
        Column(header: "WRITE/s", width: 7, sortKey: nil) { TopFormat.bytes($0.blockWrittenBytesPerSecond) },
        Column(header: "RX/s", width: 7, sortKey: .net) {
            $0.sharesHostNetwork ? "host" : TopFormat.bytes($0.networkReceivedBytesPerSecond)
        },
        Column(header: "TX/s", width: 7, sortKey: nil) {
            $0.sharesHostNetwork ? "host" : TopFormat.bytes($0.networkTransmittedBytesPerSecond)
        },
        Column(header: "PIDS", width: 6, sortKey: .pids) { $0.pids.map(String.init) ?? TopFormat.unknown }
    ]

    /// The characters of a row after its name: each column and the space before it.
    private static let columnsWidth = columns.reduce(0) { $0 + $1.width + 1 }

    /// The whole screen for `frame` as seen through `state`.
    package func render(_ frame: TopFrame, state: TopViewState) -> [TerminalLine] {
        var lines = header(frame, state: state).map { TerminalLine($0) }
        lines.append(TerminalLine(""))
        let footer = isInteractive ? [TerminalLine(help(state))] : []
        let body: [TerminalLine]
        switch state.screen {
        case .containers:
            body = containerTable(frame, state: state, room: height.map { $0 - lines.count - footer.count })
        case .processes(let rowID, let name):
            body = processTable(frame, rowID: rowID, name: name, room: height.map { $0 - lines.count - footer.count })
        }
        lines += body
        if let height, isInteractive {
            // Pad so the help line sits on the last row, as top and htop keep it.
            while lines.count < height - footer.count { lines.append(TerminalLine("")) }
            lines = Array(lines.prefix(max(height - footer.count, 0)))
        }
        lines += footer
        return lines.map { TerminalLine(TopFormat.truncate($0.text, to: width), $0.emphasis) }
    }

    /// The lines as plain text, one per line: batch output.
    package func plainText(_ frame: TopFrame, state: TopViewState) -> String {
        render(frame, state: state).map(\.text).joined(separator: "\n") + "\n"
    }

    private func header(_ frame: TopFrame, state: TopViewState) -> [String] {
        let host = frame.host
        let load = host.loadAverages.map { TopFormat.fixed($0, 2) }.joined(separator: " ")
        var first = "periscope top - \(frame.hostname)  load \(load)  tasks \(host.runnableTasks)/\(host.totalTasks)"
        first += "  interval \(TopFormat.fixed(frame.intervalSeconds, 1))s  sort \(state.sortKey.rawValue)"
        if state.showsCgroupTree { first += "  view cgroups" }
        if !state.filter.isEmpty { first += "  filter \"\(state.filter)\"" }
        let cpu = host.cpu
        let split = [
            ("usr", cpu.userPercent), ("nice", cpu.nicePercent), ("sys", cpu.systemPercent),
            ("iowait", cpu.iowaitPercent),
            ("irq", cpu.irqPercent), ("soft", cpu.softirqPercent), ("steal", cpu.stealPercent),
            ("idle", cpu.idlePercent)
        ]
        .map { "\(TopFormat.fixed($0.1, 1)) \($0.0)" }.joined(separator: "  ")
        let cpuLine = "%CPU \(split)   (\(host.cpuCount) CPUs)"
        var memory =
            "MEM  \(TopFormat.bytes(host.memoryUsedBytes)) used / \(TopFormat.bytes(host.memoryTotalBytes)) total"
        if let available = host.memoryAvailableBytes { memory += ", \(TopFormat.bytes(available)) available" }
        memory += "   swap \(TopFormat.bytes(host.swapUsedBytes)) / \(TopFormat.bytes(host.swapTotalBytes))"
        let traffic =
            "DISK read \(TopFormat.bytes(host.diskReadBytesPerSecond))/s  write \(TopFormat.bytes(host.diskWrittenBytesPerSecond))/s"
            + "   NET rx \(TopFormat.bytes(host.networkReceivedBytesPerSecond))/s  tx \(TopFormat.bytes(host.networkTransmittedBytesPerSecond))/s"
        var lines = [first, cpuLine, memory, traffic]
        if let source = frame.rows.lazy.compactMap(\.blockIOSource).first(where: { $0 != "cgroup" }) {
            lines.append(
                "IO   containers' READ/s and WRITE/s from \(source): cgroup v1 blkio does not account a disk that does I/O"
            )
        }
        return lines
    }

    private func nameWidth(_ rows: [TopRow]) -> Int {
        let longest = max(rows.lazy.map { TopFormat.characterCount($0.name) }.max() ?? 0, 4)
        let natural = min(longest, Self.nameMaximumWidth)
        guard let width else { return max(natural, Self.nameMinimumWidth) }
        return max(Self.nameMinimumWidth, min(natural, width - Self.columnsWidth))
    }

    private func containerTable(_ frame: TopFrame, state: TopViewState, room: Int?) -> [TerminalLine] {
        let rows = state.visibleRows(of: frame)
        let nameColumn = nameWidth(rows)
        var heading = TopFormat.cell(state.showsCgroupTree ? "CGROUP" : "NAME", nameColumn, rightAligned: false)
        for column in Self.columns {
            let marker = column.sortKey == state.sortKey ? "*" : ""
            heading += " " + TopFormat.cell(column.header + marker, column.width, rightAligned: true)
        }
        var lines = [TerminalLine(heading, .heading)]
        if rows.isEmpty {
            let nothing = state.showsCgroupTree ? "(no cgroups)" : "(no containers)"
            lines.append(
                TerminalLine(state.activeFilter.isEmpty ? nothing : "(nothing matches \"\(state.activeFilter)\")"))
            return lines
        }
        let selected = isInteractive ? state.selectedIndex(in: rows) : nil
        let visible = window(count: rows.count, keeping: selected, room: room.map { $0 - 1 })
        for index in visible {
            let row = rows[index]
            var text = ""
            text.reserveCapacity(nameColumn + Self.columnsWidth)
            TopFormat.appendCell(row.name, nameColumn, rightAligned: false, to: &text)
            for column in Self.columns {
                text += " "
                TopFormat.appendCell(column.value(row), column.width, rightAligned: true, to: &text)
            }
            lines.append(TerminalLine(text, index == selected ? .selected : .normal))
        }
        return lines
    }

    private func processTable(_ frame: TopFrame, rowID: String, name: String, room: Int?) -> [TerminalLine] {
        let processes = frame.processes(of: rowID)
        // A runtime id is 64 hex digits: the 12 users know from `docker ps` are enough here.
        let shortID = ContainerKey(text: rowID).map { String($0.id.prefix(12)) } ?? rowID
        let count = processes.count == 1 ? "1 process" : "\(processes.count) processes"
        // A cgroup row's name is its path already.
        let title = rowID.hasPrefix("cgroup:") ? name : "\(name) (\(shortID))"
        var lines = [TerminalLine("\(title): \(count)")]
        if let realtime = frame.realtimeByRowID[rowID] {
            lines.append(TerminalLine(RealtimeText.budgetLine(realtime.budget)))
            for line in RealtimeText.threadLines(realtime.threads) { lines.append(TerminalLine("  RT " + line)) }
        }
        let header = lines.count
        lines.append(
            TerminalLine(
                TopFormat.cell("PID", 8, rightAligned: true) + " " + TopFormat.cell("CPID", 7, rightAligned: true)
                    + " S "
                    + TopFormat.cell("CPU%", 6, rightAligned: true) + " COMMAND", .heading))
        if processes.isEmpty { lines.append(TerminalLine("(no processes: the container stopped or is filtered out)")) }
        for index in window(count: processes.count, keeping: nil, room: room.map { $0 - header - 1 }) {
            let process = processes[index]
            let text =
                TopFormat.cell(String(process.hostPID), 8, rightAligned: true) + " "
                + TopFormat.cell(process.containerPID.map(String.init) ?? TopFormat.unknown, 7, rightAligned: true)
                + " "
                + TopFormat.cell(process.state, 1, rightAligned: false) + " "
                + TopFormat.cell(TopFormat.fixed(process.cpuPercent, 1), 6, rightAligned: true) + " " + process.command
            lines.append(TerminalLine(text, process.isUninterruptible ? .alert : .normal))
        }
        return lines
    }

    /// The indices to draw when only `room` lines fit, scrolled so `keeping` stays visible.
    private func window(count: Int, keeping: Int?, room: Int?) -> Range<Int> {
        guard let room, room < count else { return 0..<count }
        let size = max(room, 0)
        let start = min(max((keeping ?? 0) - size + 1, 0), count - size)
        return start..<(start + size)
    }

    private func help(_ state: TopViewState) -> String {
        if let draft = state.filterDraft { return "filter: \(draft)_   Enter apply  Esc clear" }
        switch state.screen {
        case .containers:
            let view = state.showsCgroupTree ? "g containers" : "g cgroup tree"
            return "q quit  c/m/t/i/n/p or </> sort  / filter  j/k select  Enter/d processes  \(view)  ^Z suspend"
        case .processes:
            return "Esc/Backspace back  q quit   (D = uninterruptible sleep)"
        }
    }
}
