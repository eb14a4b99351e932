import Hummingbird
import Logging

/// Builds the agent's Hummingbird application: the router with the error and token
/// middleware, then every route group.
package enum AgentApplication {
    /// The route groups `periscope serve` serves, in order. A new feature adds its group here.
    /// Without `captures` the capture and alert routes are absent (404).
    package static func standardRouteGroups(
        agent: AgentState, configuration: ServerConfiguration, captures: AgentCaptures? = nil
    ) -> [any AgentRouteGroup] {
        [
            MetricsRoutes(agent: agent),
            InventoryRoutes(agent: agent),
            HistoryRoutes(agent: agent),
            DiagnosisRoutes(agent: agent, maximumBodyBytes: configuration.maximumBodyBytes),
            ProcessRoutes(inventory: configuration.inventory),
            WebUIRoutes()
        ] + (captures?.routeGroups(maximumBodyBytes: configuration.maximumBodyBytes) ?? [])
    }

    /// The router: JSON errors, then the token check (when there is a token), then `groups`.
    package static func makeRouter(
        configuration: ServerConfiguration, groups: [any AgentRouteGroup]
    ) -> Router<AgentRequestContext> {
        let router = Router(context: AgentRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        if let token = configuration.token { router.add(middleware: BearerTokenMiddleware(token: token)) }
        for group in groups { group.addRoutes(to: router) }
        return router
    }
}
