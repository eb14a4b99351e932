import ResourceMetrics

/// What the user chose in the live view: sort column, filter, selection and which screen.
/// Pure: key presses in, a new state and whether to quit out, so every binding is testable.
package struct TopViewState: Sendable, Equatable {
    /// The container table or one container's processes.
    package enum Screen: Sendable, Equatable {
        case containers
        /// The processes of the row with this id.
        case processes(rowID: String, name: String)
    }

    /// What the caller should do after a key.
    package enum Outcome: Sendable, Equatable {
        case redraw
        case quit
        /// A drill-down was opened: read the details it needs, then redraw.
        case openedProcesses(rowID: String)
        /// The table switched between containers and the cgroup tree: sample again, then redraw.
        case toggledCgroupTree
    }

    /// The column rows are sorted by.
    package var sortKey: TopSortKey = .cpu
    /// The applied name filter (case-insensitive substring); empty shows everything.
    package var filter = ""
    /// The filter being typed after `/`; nil when not editing.
    package var filterDraft: String?
    /// The filter rows are matched against now: the draft while typing, else the applied one.
    package var activeFilter: String { filterDraft ?? filter }
    /// The selected row's id in the container table.
    package var selectedRowID: String?
    /// The current screen.
    package var screen: Screen = .containers
    /// The table lists every cgroup (to a depth) instead of the containers.
    package var showsCgroupTree = false

    /// Creates the initial state.
    package init(sortKey: TopSortKey = .cpu, filter: String = "", showsCgroupTree: Bool = false) {
        self.sortKey = sortKey
        self.filter = filter
        self.showsCgroupTree = showsCgroupTree
    }

    /// The rows to draw, in order: the host row first (unless filtered out), then the
    /// containers whose name or id contains the filter, biggest first by the sort column.
    /// While a filter is being typed it applies already, so the user sees what Enter keeps.
    package func visibleRows(of frame: TopFrame) -> [TopRow] {
        let needle = activeFilter.lowercased()
        let rows =
            needle.isEmpty
            ? frame.rows
            : frame.rows.filter { row in
                row.name.lowercased().contains(needle) || row.id.lowercased().contains(needle)
            }
        // Rows are large values: indices are ranked and sorted, and each row is copied once.
        let containers = rows.indices.filter { !rows[$0].isHost }
        var ranks = [Double](repeating: 0, count: rows.count)
        for index in containers { ranks[index] = sortKey.rank(rows[index]) }
        // Ties fall back to name so rows do not jump between frames.
        let order = containers.sorted { a, b in
            ranks[a] != ranks[b] ? ranks[a] > ranks[b] : (rows[a].name, rows[a].id) < (rows[b].name, rows[b].id)
        }
        return rows.filter(\.isHost) + order.map { rows[$0] }
    }

    /// The selected row among `rows`, falling back to the first.
    package func selectedIndex(in rows: [TopRow]) -> Int? {
        guard !rows.isEmpty else { return nil }
        return rows.firstIndex { $0.id == selectedRowID } ?? 0
    }

    /// Applies one key against the rows currently shown.
    package mutating func handle(_ key: TopKey, visibleRows rows: [TopRow]) -> Outcome {
        if key == .interrupt { return .quit }
        if var draft = filterDraft {
            switch key {
            case .enter:
                filter = draft
                filterDraft = nil
            case .escape:
                filter = ""
                filterDraft = nil
            case .backspace:
                if !draft.isEmpty { draft.removeLast() }
                filterDraft = draft
            case .character(let character):
                draft.append(character)
                filterDraft = draft
            case .up, .down, .interrupt, .suspend:
                break
            }
            return .redraw
        }
        if case .processes = screen {
            switch key {
            case .escape, .backspace, .character("h"): screen = .containers
            case .character("q"): return .quit
            default: break
            }
            return .redraw
        }
        switch key {
        case .character("q"):
            return .quit
        case .character("<"):
            sortKey = sortKey.previous
        case .character(">"):
            sortKey = sortKey.next
        case .character("/"):
            filterDraft = filter
        case .escape:
            filter = ""
        case .character("g"):
            showsCgroupTree.toggle()
            selectedRowID = nil
            return .toggledCgroupTree
        case .up, .character("k"):
            moveSelection(by: -1, in: rows)
        case .down, .character("j"):
            moveSelection(by: 1, in: rows)
        case .enter, .character("d"):
            guard let index = selectedIndex(in: rows) else { break }
            let row = rows[index]
            selectedRowID = row.id
            // The host row's numbers are the whole machine's, its processes only those in no container.
            screen = .processes(rowID: row.id, name: row.isHost ? "host, outside containers" : row.name)
            return .openedProcesses(rowID: row.id)
        case .character(let character):
            if let key = TopSortKey.allCases.first(where: { $0.keyCharacter == character }) { sortKey = key }
        default:
            break
        }
        return .redraw
    }

    private mutating func moveSelection(by offset: Int, in rows: [TopRow]) {
        guard let index = selectedIndex(in: rows) else { return }
        selectedRowID = rows[min(max(index + offset, 0), rows.count - 1)].id
    }
}
