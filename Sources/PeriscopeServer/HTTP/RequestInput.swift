import Foundation
import Hummingbird

/// Bounded, validated input from a request: bodies are collected up to a limit (413 beyond),
/// JSON that does not decode is a 400 naming the problem, query values are checked.
package enum RequestInput {
    /// The body, at most `maximumBytes` (413 Content Too Large beyond it, whatever
    /// Content-Length claimed).
    package static func body(of request: Request, maximumBytes: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maximumBytes {
            throw tooLarge(maximumBytes)
        }
        var request = request
        do {
            return try await request.collectBody(upTo: maximumBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge(maximumBytes)
        }
    }

    /// The body decoded as JSON into `type` (400 with the decoder's reason when it does not fit).
    package static func json<Value: Decodable>(
        _ type: Value.Type, from request: Request, maximumBytes: Int
    ) async throws -> Value {
        let buffer = try await body(of: request, maximumBytes: maximumBytes)
        do {
            return try JSONDecoder().decode(Value.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: "the body is not the expected JSON: \(describe(error))")
        } catch {
            throw HTTPError(.badRequest, message: "the body is not JSON: \(error.localizedDescription)")
        }
    }

    /// A query parameter as seconds since 1970 (a number), or nil when absent.
    package static func unixSeconds(_ request: Request, _ name: String) throws -> Double? {
        guard let text = request.uri.queryParameters[Substring(name)] else { return nil }
        guard let value = Double(String(text)), value.isFinite, value >= 0 else {
            throw HTTPError(
                .badRequest,
                message: "\(name)=\(text) is not a time: give seconds since 1970 (e.g. \(name)=1767000000.5)")
        }
        return value
    }

    private static func tooLarge(_ maximumBytes: Int) -> HTTPError {
        HTTPError(.contentTooLarge, message: "the body is larger than this agent accepts (\(maximumBytes) bytes)")
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? context.debugDescription : "\(keys): \(context.debugDescription)"
        }
        switch error {
        case .dataCorrupted(let context): return path(context)
        case .keyNotFound(let key, let context): return "missing \(key.stringValue) at \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return path(context)
        @unknown default: return "\(error)"
        }
    }
}
