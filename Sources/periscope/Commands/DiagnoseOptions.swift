import ArgumentParser
import Diagnosis
import Foundation

/// Options `diagnose` and `inside` share: the window, thresholds, output.
struct DiagnoseWindowOptions: ParsableArguments {
    @Option(name: [.customShort("d"), .long], help: "How long to watch: 10s, 500ms, 2m, or seconds (default 10s).", transform: DurationText.seconds)
    var duration: Double = 10

    @Option(help: "Seconds between two metric samples (default: duration / 6, between 0.25 and 1).")
    var interval: Double?

    @Option(name: .customLong("threshold"), help: ArgumentHelp("Override a threshold, NAME=VALUE (repeatable; --list-thresholds shows them).", valueName: "NAME=VALUE"))
    var thresholdAssignments: [String] = []

    @Option(name: .customLong("thresholds-file"), help: ArgumentHelp("A JSON object of thresholds, {\"NAME\": VALUE, ...}.", valueName: "FILE"))
    var thresholdsFile: String?

    @Flag(help: "Print the thresholds with their defaults and meaning, then exit.")
    var listThresholds = false

    @Option(help: "Also report kernel log errors from this many seconds before the window.")
    var kernelLogLookback: Double = 0

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @Flag(help: "Show every checklist line and USE row, not only those with findings.")
    var full = false

    func validateWindow() throws {
        if !(duration >= 0.5 && duration <= 3600) { throw ValidationError("--duration must be between 0.5 s and 1 h") }
        if let interval, !(interval >= 0.1 && interval <= duration) { throw ValidationError("--interval must be between 0.1 s and the duration") }
        if kernelLogLookback < 0 { throw ValidationError("--kernel-log-lookback must be >= 0") }
        _ = try thresholds()
    }

    /// The defaults, then the file, then each --threshold.
    func thresholds() throws -> Thresholds {
        var thresholds = Thresholds()
        do {
            if let thresholdsFile {
                guard let data = FileManager.default.contents(atPath: thresholdsFile) else { throw ValidationError("cannot read --thresholds-file \(thresholdsFile)") }
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
        return Thresholds.keys.map { key in
            let value = defaults[keyPath: key.keyPath]
            return "\(key.name.padding(toLength: 32, withPad: " ", startingAt: 0)) \(String(format: "%-8g", value)) \(key.meaning)"
        }.joined(separator: "\n")
    }
}

/// "10s", "500ms", "2m", "1.5" (seconds) to seconds.
enum DurationText {
    static func seconds(_ text: String) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)) { return value * scale }
        }
        guard let value = Double(text) else { throw ValidationError("\"\(text)\" is not a duration (10s, 500ms, 2m)") }
        return value
    }
}
