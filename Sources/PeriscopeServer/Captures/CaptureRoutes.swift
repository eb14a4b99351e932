import Captures
import Foundation
import Hummingbird
import Profiling

/// On-demand captures:
/// - `POST /api/v1/captures` `{"container": C, "kind": "profile"|"trace"|"diagnosis",
///   "durationSeconds": N, "format": "svg"|"folded"|"pprof"|"speedscope"}` starts one (202 with
///   its record; 429 with Retry-After while another profile or trace runs; 400 beyond the cap);
/// - `GET /api/v1/captures`: the list, newest first, with the budget;
/// - `GET /api/v1/captures/ID`: one record (poll it until `state` is not `running`);
/// - `GET /api/v1/captures/ID/file[?download=1]`: the result.
/// IDs are checked against the generated shape before anything touches the file system.
struct CaptureRoutes: AgentRouteGroup {
    let captures: CaptureManager
    let maximumBodyBytes: Int

    struct StartRequest: Decodable {
        var container: String
        var kind: CaptureKind
        var durationSeconds: Double?
        var format: ProfileOutputFormat?
    }

    struct CaptureList: Encodable {
        var captures: [CaptureRecord]
        var storedBytes: UInt64
        var budgetBytes: UInt64
        var maximumDurationSeconds: Double
        var defaultDurationSeconds: Double
    }

    /// The result file is not a page of the agent: an SVG flame graph keeps its own inline
    /// script (search, zoom) but may load nothing and call nothing.
    static let resultContentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'self'"

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.get("/api/v1/captures") { _, _ -> Response in
            try JSONResponse.make(
                CaptureList(
                    captures: captures.captures, storedBytes: captures.storedBytes,
                    budgetBytes: captures.configuration.budgetBytes,
                    maximumDurationSeconds: captures.configuration.maximumDurationSeconds,
                    defaultDurationSeconds: captures.configuration.defaultDurationSeconds))
        }
        router.post("/api/v1/captures") { request, _ -> Response in
            let body = try await RequestInput.json(StartRequest.self, from: request, maximumBytes: maximumBodyBytes)
            // Starting resolves the container with an inventory scan: off the event loop.
            let started = await Task.detached {
                Result { () throws(CaptureManager.StartError) in
                    try captures.start(
                        container: body.container, kind: body.kind, durationSeconds: body.durationSeconds,
                        format: body.format)
                }
            }.value
            let record: CaptureRecord
            switch started {
            case .success(let value): record = value
            case .failure(let error): throw Self.httpError(error)
            }
            var response = try JSONResponse.make(record, status: .accepted)
            response.headers[.location] = "/api/v1/captures/\(record.id)"
            return response
        }
        router.get("/api/v1/captures/:id") { _, context -> Response in
            let text = try context.parameters.require("id")
            guard let record = captures.capture(id: text) else { throw Self.notFound(text) }
            return try JSONResponse.make(record)
        }
        router.get("/api/v1/captures/:id/file") { request, context -> Response in
            let text = try context.parameters.require("id")
            guard let (path, record) = captures.resultFile(id: text) else {
                if let record = captures.capture(id: text) {
                    throw HTTPError(
                        record.state == .running ? .conflict : .gone,
                        message: record.state == .running
                            ? "capture \(text) is still running"
                            : "capture \(text) has no file: \(record.evicted ? "deleted to stay within the capture budget" : record.error ?? record.state.rawValue)"
                    )
                }
                throw Self.notFound(text)
            }
            let body = try await FileIO().loadFile(path: path, context: context)
            var headers: HTTPFields = [
                .contentType: record.contentType ?? "application/octet-stream",
                .contentSecurityPolicy: Self.resultContentSecurityPolicy,
                .init("X-Content-Type-Options")!: "nosniff"
            ]
            let disposition = request.uri.queryParameters["download"] == "1" ? "attachment" : "inline"
            headers[.contentDisposition] = "\(disposition); filename=\"\(Self.downloadName(record))\""
            return Response(status: .ok, headers: headers, body: body)
        }
    }

    /// `periscope-CONTAINER-KIND-ID.EXT`, with anything but [A-Za-z0-9._-] in the name replaced.
    static func downloadName(_ record: CaptureRecord) -> String {
        let safe = String(
            record.container.map {
                $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_"
            })
        let fileName = record.fileName ?? "result"
        let suffix = fileName.split(separator: ".", maxSplits: 1).dropFirst().first.map { ".\($0)" } ?? ""
        return "periscope-\(safe)-\(record.kind.rawValue)-\(record.id)\(suffix)"
    }

    static func notFound(_ text: String) -> HTTPError {
        HTTPError(
            .notFound,
            message: CaptureID(text) == nil
                ? "not a capture id: ids are 16 hex digits (GET /api/v1/captures lists them)" : "no capture \(text)")
    }

    static func httpError(_ error: CaptureManager.StartError) -> HTTPError {
        switch error {
        case .busy(let seconds, _):
            return HTTPError(.tooManyRequests, headers: [.retryAfter: String(seconds)], message: error.description)
        case .invalid: return HTTPError(.badRequest, message: error.description)
        case .containerNotFound: return HTTPError(.notFound, message: error.description)
        case .unavailable: return HTTPError(.serviceUnavailable, message: error.description)
        }
    }
}
