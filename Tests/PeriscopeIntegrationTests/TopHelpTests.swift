import Testing

/// What `periscope top --help` tells a user whose terminal a killed top left behind.
@Suite("top help")
struct TopHelpTests {
    /// SIGKILL cannot be caught, so the alternate screen stays on: the help says how to get out.
    @Test func helpSaysHowToRecoverTheTerminalAfterSIGKILL() throws {
        let result = try Shell.periscope(["top", "--help"])
        #expect(result.status == 0)
        let help = result.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("SIGKILL"))
        #expect(help.contains("`reset`"))
    }
}
