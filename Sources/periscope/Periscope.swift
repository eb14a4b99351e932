import ArgumentParser
import Logging

@main
struct Periscope: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "periscope",
        abstract: "Container-aware performance analysis for Linux hosts.",
        discussion: """
            Answers, from the host: is a container short of CPU, memory or disk and whose \
            fault it is (diagnose), which container is this PID (ps, pid), what it uses now \
            (top, stats), what it did over hours (record), what happened and when (trace, analyze), and which code burns the \
            CPU (profile, fold, flamegraph); runqlat, biolatency and syscount aggregate per container in \
            the kernel with BPF; enter runs host tools in a container's view.
            Run as root: most of what the kernel tells is root's to read.
            """,
        version: "0.1.0",
        subcommands: [
            DiagnoseCommand.self, InsideCommand.self,
            PsCommand.self, PidCommand.self, EnterCommand.self,
            TopCommand.self, StatsCommand.self, RecordCommand.self, ChartCommand.self,
            TraceCommand.self, AnalyzeCommand.self,
            ProfileCommand.self, FoldCommand.self, FlamegraphCommand.self,
            RunqlatCommand.self, BiolatencyCommand.self, SyscountCommand.self,
            OffcputimeCommand.self, FunccountCommand.self,
            ServeCommand.self
        ]
    )

    @Flag(
        name: .customLong("mi-version"),
        help:
            "Print the LAMI version (1.0) and exit: Trace Compass runs `periscope --mi-version` before it registers `periscope analyze ANALYSIS --lami`."
    )
    var miVersion = false

    mutating func run() async throws {
        guard miVersion else { throw CleanExit.helpRequest(self) }
        print("1.0")
    }

    /// ArgumentParser's main, except that a command's failure prints as a Unix tool's does,
    /// `periscope: MESSAGE` on standard error with exit status 1, and `analyze --lami`
    /// reports every error as a LAMI error object on standard output. Usage errors (a bad
    /// option, a `ValidationError`) keep ArgumentParser's `Error: MESSAGE` and the usage.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        var parsed = false
        do {
            var command = try await asyncParseAsRoot(arguments)
            parsed = true
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if LAMIErrors.isLAMIInvocation(arguments), !(error is ExitCode),
                let code = LAMIErrors.report(error, of: Self.self)
            {
                exit(withError: ExitCode(code))
            }
            // `--help` on a subcommand parses to ArgumentParser's help command, whose run throws
            // an error that means success: print it as ArgumentParser does (stdout, exit 0).
            let isHelp = Self.exitCode(for: error) == .success
            if parsed && !isHelp && !(error is ExitCode || error is CleanExit || error is ValidationError) {
                printStandardError("periscope: \(message(for: error))")
                exit(withError: ExitCode.failure)
            }
            exit(withError: error)
        }
    }
}
