#if canImport(Glibc)
import Glibc
#endif

/// Whether output may use ANSI colour: only on a terminal, and never when NO_COLOR is set.
public struct TerminalStyle: Sendable {
    public var usesColor: Bool

    public static let plain = TerminalStyle(usesColor: false)

    /// Colour when standard output is a terminal and NO_COLOR (no-color.org) is unset.
    public static var standardOutput: TerminalStyle {
        TerminalStyle(usesColor: isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil)
    }

    public func highlight(_ text: String) -> String { usesColor ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
    public func bold(_ text: String) -> String { usesColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
}
