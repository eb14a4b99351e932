/// One line for a full-screen view: plain text and how to draw it.
public struct TerminalLine: Sendable, Equatable {
    /// How the line is drawn.
    public enum Style: Sendable, Equatable {
        case plain
        /// Reverse video across the whole width: headings and the selection.
        case reverse
        /// Red: something wrong.
        case alert
    }

    /// The text, without escape codes, already cut to the screen's width.
    public var text: String
    /// How it is drawn.
    public var style: Style

    /// Creates a value from its fields.
    public init(_ text: String, style: Style = .plain) {
        self.text = text
        self.style = style
    }
}
