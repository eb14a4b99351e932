import ArgumentParser
import Reporting
import Diagnosis
import Foundation

/// Options `diagnose` and `inside` share: the window, thresholds, output.
struct DiagnoseWindowOptions: ParsableArguments {
    @Option(
        name: [.customShort("d"), .long], help: "How long to watch: \(DurationText.forms) (default 10s).",
        transform: DurationText.parseSeconds)
    var duration: Double = 10

    @Option(
        help: "Time between two metric samples: \(DurationText.forms) (default: duration / 6, between 0.25 and 1 s).",
        transform: DurationText.parseSeconds)
    var interval: Double?

    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp(
            "Override a threshold, NAME=VALUE (repeatable; --list-thresholds shows them).", valueName: "NAME=VALUE"))
    var thresholdAssignments: [String] = []

    @Option(
        name: .customLong("thresholds-file"),
        help: ArgumentHelp("A JSON object of thresholds, {\"NAME\": VALUE, ...}.", valueName: "FILE"))
    var thresholdsFile: String?

    @Flag(help: "Print the thresholds with their defaults and meaning, then exit.")
    var listThresholds = false

    @Option(
        help:
            "Also read the kernel log this far before the window: its OOM kills, hung tasks and I/O errors are reported as before the window, with their time: \(DurationText.forms) (default 5m; 0 for none).",
        transform: DurationText.parseSeconds)
    var kernelLogLookback: Double = 300

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @Flag(help: "Show every checklist line and USE row, not only those with findings.")
    var full = false

    func validateWindow() throws {
        if !(duration >= 0.5 && duration <= 3600) { throw ValidationError("--duration must be between 0.5 s and 1 h") }
        if let interval, !(interval >= 0.1 && interval <= duration) {
            throw ValidationError("--interval must be between 0.1 s and the duration")
        }
        if kernelLogLookback < 0 { throw ValidationError("--kernel-log-lookback must be >= 0") }
        _ = try thresholds()
    }

    /// The defaults, then the file, then each --threshold.
    func thresholds() throws -> Thresholds {
        var thresholds = Thresholds()
        do {
            if let thresholdsFile {
                guard let data = FileManager.default.contents(atPath: thresholdsFile) else {
                    throw ValidationError("cannot read --thresholds-file \(thresholdsFile)")
                }
                try thresholds.apply(fileContents: data, source: thresholdsFile)
            }
            for assignment in thresholdAssignments { try thresholds.apply(assignment: assignment) }
        } catch let error as Thresholds.InvalidSetting {
            throw ValidationError(error.description)
        }
        return thresholds
    }

    /// The table `--list-thresholds` prints.
    static func thresholdList() -> String {
        let defaults = Thresholds()
        // Padded to the longest name, never cut: each listed name must work in --threshold.
        let width = Thresholds.keys.map(\.name.count).max() ?? 0
        return Thresholds.keys.map { key in
            let value = defaults[keyPath: key.keyPath]
            return
                "\(key.name.padding(toLength: width, withPad: " ", startingAt: 0)) \(String(format: "%-8g", value)) \(key.meaning)"
        }.joined(separator: "\n")
    }
}
