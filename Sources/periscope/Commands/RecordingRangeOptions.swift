import ArgumentParser
import History
import Reporting

/// `--db PATH --since T [--until T]`: a window of a recording made by `periscope record`.
struct RecordingRangeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read the recording made by periscope record at PATH instead of the live host.", valueName: "PATH"))
    var db: String?

    // `.unconditional`: `--since -2h` is a value, not an unknown option.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Start of the recorded window: \(TimeText.forms).", valueName: "time"))
    var since: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("End of the recorded window (default now): \(TimeText.forms).", valueName: "time"))
    var until: String?

    /// Unix seconds of --since and --until (now when absent), checked in order.
    func range(clock: TimeText.Clock = .system) throws -> (start: Double, end: Double) {
        guard let since else {
            throw ValidationError("--db needs --since: the start of the recorded window (\(TimeText.forms))")
        }
        let start = try Self.parse(since, option: "--since", clock: clock)
        let end = try until.map { try Self.parse($0, option: "--until", clock: clock) } ?? clock.nowSeconds
        guard end > start else {
            throw ValidationError(
                "--until (\(RecordedTime.text(end))) must be after --since (\(RecordedTime.text(start)))")
        }
        return (start, end)
    }

    /// Refuses --since/--until without --db (they mean nothing live).
    func validate() throws {
        if db == nil, since != nil || until != nil {
            throw ValidationError("--since and --until read a recording: add --db PATH")
        }
    }

    static func parse(_ text: String, option: String, clock: TimeText.Clock) throws -> Double {
        do {
            return try TimeText.unixSeconds(text, clock: clock)
        } catch {
            throw ValidationError("\(option): \(error)")
        }
    }
}
