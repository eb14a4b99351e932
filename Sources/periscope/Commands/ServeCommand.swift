import ArgumentParser
import ContainerInventory
import Foundation
import Logging
import PeriscopeServer
import Reporting

/// `periscope serve`: the agent a fleet runs on every host.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Record the host's containers and serve them over HTTP: Prometheus /metrics and a JSON API.",
        discussion: """
            Samples every container each --interval (the sampler of `periscope diagnose`) and \
            diagnoses every --window; serves GET /metrics (cAdvisor's container_* names and \
            labels, plus PSI, D-state threads, the CPU bottleneck verdict and active findings) \
            and GET /api/v1/inventory, /api/v1/latest, /api/v1/history, /api/v1/diagnosis.
            Listens on loopback unless told otherwise; any other address needs --token-file, and \
            every request must then carry `Authorization: Bearer TOKEN`. Stops cleanly on \
            SIGINT or SIGTERM. Run as root (or with the capabilities docs/deployment.md lists).
            """)

    @Option(help: "Address to listen on: HOST:PORT, [IPV6]:PORT or :PORT (every address; needs --token-file).")
    var listen = ListenAddress.defaultAddress.description

    @Option(help: "File holding the bearer token (at least 16 characters); required beyond loopback.")
    var tokenFile: String?

    @Option(help: "Time between two samples of every container (\(DurationText.forms)).")
    var interval = "1s"

    @Option(help: "Length of each rolling diagnosis window, whose verdicts and findings /metrics exports (\(DurationText.forms)).")
    var window = "10s"

    @Option(help: "How far back the history and diagnosis endpoints reach, kept in memory (\(DurationText.forms)).")
    var history = "15m"

    @Option(help: "The Docker Engine API socket (names and images).")
    var dockerSocket = "/var/run/docker.sock"

    @Flag(name: .shortAndLong, help: "Log every request and what the recorder does, on standard error.")
    var verbose = false

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration(
                listen: try ListenAddress(parsing: listen), token: try tokenFile.map { path throws(ServerConfigurationError) in try AccessToken.read(path: path) },
                intervalSeconds: try DurationText.seconds(interval), windowSeconds: try DurationText.seconds(window),
                historySeconds: try DurationText.seconds(history))
        } catch {
            throw ValidationError("\(error)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .notice
            return handler
        }
        var inventory = InventoryOptions()
        inventory.dockerSocket = dockerSocket
        inventory.includeProcesses = false
        let recorder = LiveWindowRecorder(intervalSeconds: configuration.intervalSeconds, windowSeconds: configuration.windowSeconds, inventory: inventory)
        FileHandle.standardError.write(Data((configuration.startMessage + "\n").utf8))
        try await AgentServer(configuration: configuration, recorder: recorder).run(logger: Logger(label: "periscope.serve"))
        if let failure = recorder.failureDescription { throw ValidationError("the recorder stopped: \(failure)") }
    }
}
