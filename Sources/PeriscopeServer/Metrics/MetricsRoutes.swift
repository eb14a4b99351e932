import Hummingbird

/// `GET /metrics`: the Prometheus text exposition of every container's series.
struct MetricsRoutes: AgentRouteGroup {
    let agent: AgentState

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.get("/metrics") { _, _ -> Response in
            let bytes = agent.renderMetrics()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
