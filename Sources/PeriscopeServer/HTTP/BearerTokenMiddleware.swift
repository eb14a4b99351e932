import Foundation
import Hummingbird

/// Refuses every request that does not carry the agent's token (401 with a JSON error and
/// `WWW-Authenticate`), before any route runs. The token comes as `Authorization: Bearer
/// TOKEN` (Prometheus, scripts) or, from the web UI in a browser (which cannot add a header to
/// a link, a download or the flame graph's frame), as the cookie `periscope_token` that the
/// UI's sign-in form sets: a session cookie, `SameSite=Strict` so that no other site's page
/// can make the browser send it, never in a URL that would be logged. The UI's own static
/// files (`/` and `/ui/...`, which hold no data) are served without a token so that the
/// sign-in form can load.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AccessToken

    /// The cookie the web UI's sign-in form sets.
    static var cookieName: String { "periscope_token" }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if Self.isStaticUI(request) { return try await next(request, context) }
        let viaHeader = request.headers[.authorization].map { header in
            Self.isBearer(header) && token.matches(header.utf8.dropFirst(Self.scheme.count))
        }
        let viaCookie = Self.cookieToken(request).map { token.matches($0.utf8) }
        guard viaHeader == true || (viaHeader == nil && viaCookie == true) else {
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

    /// `GET /` and `GET /ui/FILE`: the embedded HTML, CSS and JavaScript.
    static func isStaticUI(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        let path = request.uri.path
        return path == "/" || (path.hasPrefix("/ui/") && !path.dropFirst(4).contains("/"))
    }

    /// The `periscope_token` cookie's value, percent-decoded (the UI encodes it).
    static func cookieToken(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix(cookieName + "=") else { continue }
                return String(trimmed.dropFirst(cookieName.count + 1)).removingPercentEncoding
            }
        }
        return nil
    }
}
