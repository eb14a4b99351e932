import Hummingbird

/// `GET /` and `GET /ui/FILE`: the web UI, plain HTML, CSS and JavaScript embedded in the
/// binary. It reads everything from the JSON API; nothing is fetched from another origin
/// (the Content-Security-Policy says so to the browser too).
struct WebUIRoutes: AgentRouteGroup {
    /// Scripts and styles from the agent only; frames only from the agent (the flame graph).
    static let contentSecurityPolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.get("/") { _, _ -> Response in try Self.response(for: "index.html") }
        router.get("/ui/:file") { _, context -> Response in
            try Self.response(for: try context.parameters.require("file"))
        }
    }

    static func response(for name: String) throws -> Response {
        guard let asset = WebAssets.asset(named: name) else {
            throw HTTPError(.notFound, message: "no such file in the web UI: \(name)")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType, .cacheControl: "no-cache",
                .contentSecurityPolicy: contentSecurityPolicy,
                .init("X-Content-Type-Options")!: "nosniff"
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
