import ContainerInventory

/// What `periscope serve` was asked to do, validated: a non-loopback address comes with a token.
package struct ServerConfiguration: Sendable {
    /// Where to listen.
    package var listen: ListenAddress
    /// The bearer token; nil serves without authentication (loopback only).
    package var token: AccessToken?
    /// Seconds between two samples of every container.
    package var intervalSeconds: Double
    /// Seconds of samples each rolling diagnosis looks at (its verdicts and findings are the
    /// gauges of /metrics until the next window closes).
    package var windowSeconds: Double
    /// Seconds between two rolling diagnoses (each replays the last `windowSeconds` recorded).
    package var diagnoseEverySeconds: Double
    /// The largest request body accepted, in bytes (larger bodies get 413).
    package var maximumBodyBytes: Int
    /// Where the routes that scan the inventory themselves (the container's processes) find
    /// the runtimes: `--docker-socket` and the proc root, as the recorder uses.
    package var inventory = InventoryOptions()

    /// Creates a configuration; throws when it would expose the agent without a token.
    package init(
        listen: ListenAddress = .defaultAddress, token: AccessToken? = nil, intervalSeconds: Double = 1,
        windowSeconds: Double = 10, diagnoseEverySeconds: Double = 60, maximumBodyBytes: Int = 64 * 1024
    ) throws(ServerConfigurationError) {
        guard intervalSeconds >= 0.1 else { throw .invalidInterval(intervalSeconds) }
        guard windowSeconds >= 2 * intervalSeconds else {
            throw .invalidWindow(windowSeconds: windowSeconds, intervalSeconds: intervalSeconds)
        }
        guard diagnoseEverySeconds >= windowSeconds else {
            throw .invalidDiagnosisCadence(everySeconds: diagnoseEverySeconds, windowSeconds: windowSeconds)
        }
        if !listen.isLoopback && token == nil { throw .tokenRequired(listen) }
        self.listen = listen
        self.token = token
        self.intervalSeconds = intervalSeconds
        self.windowSeconds = windowSeconds
        self.diagnoseEverySeconds = diagnoseEverySeconds
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// The line printed at start: where, and whether a token is required.
    package var startMessage: String {
        let access =
            token == nil
            ? "no token required (loopback only)"
            : "every request needs Authorization: Bearer <token from --token-file>"
        return
            "periscope serve: listening on http://\(listen) (\(access)); sampling every \(intervalSeconds) s, diagnosing \(windowSeconds) s every \(diagnoseEverySeconds) s"
    }
}
