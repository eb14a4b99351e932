import Foundation
import Testing
import TestSupport

/// How failures print: a command that fails says `periscope: MESSAGE` on standard error, as a
/// Unix tool does, with exit status 1 (diagnose: 2, "could not diagnose"); a usage error keeps
/// ArgumentParser's `Error: MESSAGE` followed by the usage, with status 64 (EX_USAGE).
@Suite("error prefix")
struct ErrorPrefixTests {
    @Test("a command's failure prints periscope: MESSAGE and exits 1")
    func commandFailure() throws {
        let result = try Shell.periscope(["pid", "999999999"])
        #expect(result.status == 1)
        #expect(result.standardError == "periscope: PID 999999999: no such process\n", "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("diagnose's own failures use the same prefix and keep exit status 2")
    func diagnoseFailure() throws {
        let missing = "/nonexistent-\(UUID().uuidString)/window.json"
        let result = try Shell.periscope(["diagnose", "--from-window", missing])
        #expect(result.status == 2)
        #expect(
            result.standardError.hasPrefix("periscope: cannot read --from-window \(missing)"), "\(result.standardError)"
        )
        #expect(!result.standardError.contains("Error:"))
    }

    @Test(
        "a usage error keeps ArgumentParser's Error: and the usage, exit 64",
        arguments: [["pid", "0"], ["pid", "not-a-pid"], ["top", "--no-such-option"]])
    func usageError(arguments: [String]) throws {
        let result = try Shell.periscope(arguments)
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix("Error: "), "\(result.standardError)")
        #expect(result.standardError.contains("Usage: periscope \(arguments[0])"))
        #expect(!result.standardError.contains("periscope: "))
    }

    @Test(
        "--help prints the help on standard output and exits 0, for the root and every subcommand",
        arguments: [
            ["--help"], ["ps", "--help"], ["diagnose", "--help"], ["trace", "record", "--help"], ["help", "stats"]
        ])
    func helpIsNotAFailure(arguments: [String]) throws {
        let result = try Shell.periscope(arguments)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("OVERVIEW: "), "\(result.standardOutput.prefix(200))")
        #expect(!result.standardError.contains("periscope: "))
    }
}
