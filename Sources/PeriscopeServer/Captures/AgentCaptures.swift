import Captures

/// The agent's captures: the manager behind /api/v1/captures and the alert trigger behind
/// /api/v1/alerts (nil: alerts are answered but start nothing).
package struct AgentCaptures: Sendable {
    package var manager: CaptureManager
    package var alertTrigger: AlertCaptureTrigger?

    package init(manager: CaptureManager, alertTrigger: AlertCaptureTrigger?) {
        self.manager = manager
        self.alertTrigger = alertTrigger
    }

    /// The route groups of captures, alerts and the container processes the web UI lists.
    func routeGroups(maximumBodyBytes: Int) -> [any AgentRouteGroup] {
        [CaptureRoutes(captures: manager, maximumBodyBytes: maximumBodyBytes), AlertRoutes(trigger: alertTrigger)]
    }
}
