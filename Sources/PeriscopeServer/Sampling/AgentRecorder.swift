/// What feeds the agent: a recorder that samples the host and its containers on its own
/// thread and publishes into an `AgentState` until stopped. The seam between the server and
/// where samples come from (the live window recorder today, the recording store's recorder next).
package protocol AgentRecorder: Sendable {
    /// Starts recording into `state`; returns at once.
    func start(into state: AgentState)
    /// Stops recording and returns once every descriptor it held is closed.
    func stop()
}
