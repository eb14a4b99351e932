import Reporting
import Testing

/// One way to write a duration on every command line (issue 11): `500ms`, `2s`, `1m`, `1.5`.
@Suite struct DurationTextTests {
    @Test(
        "the forms every duration option accepts",
        arguments: [
            ("500ms", 0.5), ("2s", 2), ("1m", 60), ("1.5", 1.5), ("1h", 3600), ("0", 0), ("250us", 0.00025),
            ("10ns", 1e-8), (" 3s ", 3)
        ])
    func accepted(text: String, seconds: Double) throws {
        #expect(abs(try DurationText.seconds(text) - seconds) < 1e-12)
    }

    @Test(
        "anything else is refused with the forms in the message",
        arguments: ["", "2x", "-1", "s", "1.5.2", "inf", "nan", "2 m s", "3 s", "1e3", "0x10"])
    func refused(text: String) {
        #expect(throws: DurationText.InvalidDuration.self) { try DurationText.seconds(text) }
        #expect(DurationText.InvalidDuration(text: text).description.contains("500ms, 2s, 1m, or plain seconds (1.5)"))
    }

    @Test("a plain number takes the option's default unit: microseconds for analyze --min/--max")
    func defaultUnit() throws {
        #expect(try DurationText.nanoseconds("50", defaultUnitSeconds: 1e-6) == 50_000)
        #expect(try DurationText.nanoseconds("2ms", defaultUnitSeconds: 1e-6) == 2_000_000)
        #expect(try DurationText.nanoseconds("1.5", defaultUnitSeconds: 1) == 1_500_000_000)
    }

    /// Parsing happens before any command runs: no root, Docker or tracefs needed.
    @Test(
        "every duration option of every command takes the same forms and says so",
        arguments: [
            ["diagnose", "-d"], ["diagnose", "--interval"], ["diagnose", "--kernel-log-lookback"],
            ["trace", "record", "-d"],
            ["trace", "snapshot", "-d"], ["trace", "snapshot", "--window"], ["trace", "snapshot", "--sample-interval"],
            ["trace", "snapshot", "--min-interval"], ["profile", "-d"], ["top", "-d"], ["stats", "x", "--interval"],
            ["inside", "-d"]
        ])
    func commands(option: [String]) throws {
        let refused = try Shell.periscope(option + ["2x"])
        #expect(refused.status != 0)
        #expect(
            refused.standardError.contains("\"2x\" is not a duration: write 500ms, 2s, 1m, or plain seconds (1.5)"),
            "\(refused.standardError)")
        let help = try Shell.periscope(Array(option.prefix { !$0.hasPrefix("-") && $0 != "x" }) + ["--help"])
        #expect(
            help.standardOutput.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
                .contains("500ms, 2s, 1m, or plain seconds (1.5)"), "\(option)")
    }
}
