import Hummingbird

/// The request context of every route of the agent.
package typealias AgentRequestContext = BasicRequestContext

/// One feature's routes (metrics, the JSON API, captures, alerts, the web UI), added to the
/// agent's router by `AgentApplication`. Each group lives in its own file and gets what it
/// needs (the agent's state, its configuration) through its initialiser.
package protocol AgentRouteGroup: Sendable {
    /// Adds this group's routes to `router` (every path is already behind the token check).
    func addRoutes(to router: Router<AgentRequestContext>)
}
