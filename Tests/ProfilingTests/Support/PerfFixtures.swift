import Foundation
import Profiling

/// The `perf script` captures and their goldens in Tests/Fixtures/perf (no SwiftPM resources).
enum PerfFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // ProfilingTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures/perf").path

    /// The inputs, by base name.
    static let captures = ["gzip-perl", "gzip-perl-pid-tid", "edge-cases"]

    static func inputPath(_ name: String) -> String { "\(directory)/\(name).perf-script.txt" }

    static func input(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: inputPath(name))))
    }

    /// What stackcollapse-perf.pl printed for `name` with `option` (`default` for none).
    static func golden(_ name: String, _ option: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/golden/\(name).\(option).folded")))
    }

    /// The fold options matching a golden's option name.
    static func options(_ option: String) -> PerfScriptFoldOptions {
        var options = PerfScriptFoldOptions()
        switch option {
        case "pid": options.includePID = true
        case "tid": options.includeTID = true
        case "kernel": options.annotateKernel = true
        case "jit": options.annotateJIT = true
        case "all": options.annotateAll = true
        case "addrs": options.includeAddresses = true
        case "event-filter-instructions": options.eventFilter = "instructions"
        default: break
        }
        return options
    }

    /// The command-line flag of the Perl script for a golden's option name.
    static func perlArguments(_ option: String) -> [String] {
        switch option {
        case "default": []
        case "event-filter-instructions": ["--event-filter=instructions"]
        default: ["--\(option)"]
        }
    }
}

/// Lines of text for readable failure messages.
func lines(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}
