import History
import Hummingbird
import Logging

/// Runs the agent: starts the recorder, serves until SIGINT or SIGTERM, then stops the
/// running captures (their perf events closed, their tracefs instance removed) and the
/// recorder (its thread ends and its descriptors close) before returning.
package struct AgentServer: Sendable {
    /// What to serve.
    package var configuration: ServerConfiguration
    /// Where samples come from.
    package var recorder: any AgentRecorder
    /// The recording the history and range diagnosis endpoints read (the one `recorder` writes).
    package var recording: RecordingReader?
    /// The route groups; nil serves `AgentApplication.standardRouteGroups`.
    package var routeGroups: (@Sendable (AgentState) -> [any AgentRouteGroup])?
    /// On-demand and alert-triggered captures; nil serves none.
    package var captures: AgentCaptures?

    /// Creates a server from its parts.
    package init(
        configuration: ServerConfiguration, recorder: any AgentRecorder, recording: RecordingReader? = nil,
        routeGroups: (@Sendable (AgentState) -> [any AgentRouteGroup])? = nil, captures: AgentCaptures? = nil
    ) {
        self.configuration = configuration
        self.recorder = recorder
        self.recording = recording
        self.routeGroups = routeGroups
        self.captures = captures
    }

    /// Serves until a shutdown signal; `onListening` gets the bound port (useful with port 0).
    package func run(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let agent = AgentState(recording: recording)
        recorder.start(into: agent)
        defer { recorder.stop() }
        let groups =
            routeGroups?(agent)
            ?? AgentApplication.standardRouteGroups(agent: agent, configuration: configuration, captures: captures)
        let router = AgentApplication.makeRouter(configuration: configuration, groups: groups)
        let app = Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "periscope"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            await captures?.manager.shutdown()
            throw error
        }
        await captures?.manager.shutdown()
    }
}
