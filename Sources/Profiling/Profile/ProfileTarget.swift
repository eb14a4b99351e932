/// What `periscope profile` samples.
package enum ProfileTarget: Sendable, Equatable {
    /// Every task on every CPU, the idle task included.
    case all
    /// These host PIDs (thread-group ids; every thread of each).
    case processes([Int32])
    /// Every process of these containers (name, id, id prefix or a member PID).
    case containers([String])
}
