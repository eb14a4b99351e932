import Hummingbird

/// Refuses every request that does not carry `Authorization: Bearer TOKEN` with the agent's
/// token (401 with a JSON error and `WWW-Authenticate`), before any route runs.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AccessToken

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], Self.isBearer(header),
            token.matches(header.utf8.dropFirst(Self.scheme.count))
        else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"periscope\""],
                message: "this agent needs Authorization: Bearer <token from its --token-file>")
        }
        return try await next(request, context)
    }

    private static var scheme: String { "bearer " }

    /// The scheme name is case-insensitive (RFC 9110 section 11.1).
    private static func isBearer(_ header: String) -> Bool {
        header.utf8.count > scheme.count && header.prefix(scheme.count).lowercased() == scheme
    }
}
