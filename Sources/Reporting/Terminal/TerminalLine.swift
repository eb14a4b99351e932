/// One line of a terminal screen: the text, already cut to the screen's width, and how to
/// draw it. Renderers produce these; `FullScreenTerminal` draws them, plain output ignores
/// the emphasis.
public struct TerminalLine: Sendable, Equatable {
    /// How a terminal draws the line.
    public enum Emphasis: Sendable, Equatable {
        case normal
        /// Column headings: reverse video across the whole width.
        case heading
        /// The selected row: reverse video across the whole width.
        case selected
        /// Something wrong worth seeing at a glance (a process in D state): bold red.
        case alert
    }

    /// The characters, no escape codes.
    public var text: String
    /// How it is drawn.
    public var emphasis: Emphasis

    /// Creates a value from its fields.
    public init(_ text: String, _ emphasis: Emphasis = .normal) {
        self.text = text
        self.emphasis = emphasis
    }
}
