import Hummingbird

/// Turns any error a route throws into a JSON error response, so a client always gets
/// `{"error": {"message": ...}}`: HTTP errors keep their status, anything else is a 500 whose
/// message is the error's description (the agent keeps running either way).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            guard error.body == nil else { throw error }
            throw HTTPError(error.status, headers: error.headers, message: error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            context.logger.error("request failed: \(error)", metadata: ["path": "\(request.uri.path)"])
            throw HTTPError(.internalServerError, message: "\(error)")
        }
    }
}
