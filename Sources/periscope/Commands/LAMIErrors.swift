import ArgumentParser
import Presentation
import Reporting
import TraceAnalysis

/// LAMI 1.0 consumers (Trace Compass) read standard output only: in LAMI mode every failure,
/// option errors included, is the LAMI error object there, with a non-zero exit.
enum LAMIErrors {
    /// Whether `arguments` (without the program name) ask `analyze` for LAMI output.
    static func isLAMIInvocation(_ arguments: [String]) -> Bool {
        guard arguments.first == "analyze" else { return false }
        return arguments.contains {
            $0 == "--lami" || $0 == "--metadata" || $0 == "--test-compatibility"
                || $0.hasPrefix("--test-compatibility=")
        }
    }

    /// Prints `error` as `{"error-message": ..., "error-code": N}` and returns the exit code N
    /// (never 0). Help and version requests are not errors: nil.
    static func report(_ error: Error, of command: any ParsableCommand.Type) -> Int32? {
        if error is CleanExit { return nil }
        var code = command.exitCode(for: error).rawValue
        if code == 0 { code = 1 }
        print(ReportRenderer.lamiError(message: command.message(for: error), code: Int(code)).rendered())
        return code
    }
}
