/// A plain-text table with aligned columns, the shape of `ps` and `docker ps` output.
public struct TextTable: Sendable {
    /// How a column's cells line up.
    public enum Alignment: Sendable { case left, right }

    /// One column: its header and alignment.
    public struct Column: Sendable {
        public var header: String
        public var alignment: Alignment
        public init(_ header: String, _ alignment: Alignment = .left) {
            self.header = header
            self.alignment = alignment
        }
    }

    /// One cell: its text, and whether to highlight it (red on a terminal).
    public struct Cell: Sendable, ExpressibleByStringLiteral {
        public var text: String
        public var highlighted: Bool
        public init(_ text: String, highlighted: Bool = false) {
            self.text = text
            self.highlighted = highlighted
        }
        public init(stringLiteral value: String) { self.init(value) }
    }

    public var columns: [Column]
    public private(set) var rows: [[Cell]] = []

    public init(columns: [Column]) { self.columns = columns }

    public mutating func append(_ cells: [Cell]) {
        precondition(cells.count == columns.count, "row has \(cells.count) cells for \(columns.count) columns")
        rows.append(cells)
    }

    public mutating func append(_ texts: [String]) { append(texts.map { Cell($0) }) }

    /// Renders with two spaces between columns; the last column is not padded.
    /// `style` decides whether highlighted cells get colour.
    public func render(style: TerminalStyle = .plain) -> String {
        var widths = columns.map { $0.header.count }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.text.count) }
        }
        var output = ""
        func emit(_ cells: [Cell]) {
            var line = ""
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                let padding = String(repeating: " ", count: widths[index] - cell.text.count)
                let text = cell.highlighted ? style.highlight(cell.text) : cell.text
                switch columns[index].alignment {
                case .left: line += text + (isLast ? "" : padding)
                case .right: line += padding + text
                }
                if !isLast { line += "  " }
            }
            output += line + "\n"
        }
        emit(columns.map { Cell($0.header) })
        for row in rows { emit(row) }
        return output
    }
}
