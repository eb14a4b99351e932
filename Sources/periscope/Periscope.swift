import ArgumentParser
import Logging

@main
struct Periscope: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "periscope",
        abstract: "Container-aware performance analysis for Linux hosts.",
        discussion: """
            Answers, from the host: which container is this PID, what namespaces and cgroups \
            does it have, and runs host tools inside a container's view.
            Run as root to see every process's namespaces and to enter containers.
            """,
        version: "0.1.0",
        subcommands: [PsCommand.self, PidCommand.self, EnterCommand.self, StatsCommand.self, FoldCommand.self, FlamegraphCommand.self, ProfileCommand.self, TopCommand.self, TraceCommand.self, AnalyzeCommand.self]
    )
}
