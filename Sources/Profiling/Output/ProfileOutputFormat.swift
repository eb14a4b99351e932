/// The files a profile can be written as.
package enum ProfileOutputFormat: String, CaseIterable, Sendable, Codable {
    case folded, svg, pprof, speedscope

    /// Formats that must go to a file rather than a terminal.
    package var isBinary: Bool { self == .pprof }

    /// The usual file name extension.
    package var fileExtension: String {
        switch self {
        case .folded: return "folded"
        case .svg: return "svg"
        case .pprof: return "pb.gz"
        case .speedscope: return "speedscope.json"
        }
    }

    /// The HTTP content type of a file in this format.
    package var contentType: String {
        switch self {
        case .folded: return "text/plain; charset=utf-8"
        case .svg: return "image/svg+xml"
        case .pprof: return "application/octet-stream"
        case .speedscope: return "application/json"
        }
    }

    /// The format a file name suggests.
    package init(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".svg") {
            self = .svg
        } else if lower.hasSuffix(".pb.gz") || lower.hasSuffix(".pprof") || lower.hasSuffix(".pb") {
            self = .pprof
        } else if lower.hasSuffix(".json") {
            self = .speedscope
        } else {
            self = .folded
        }
    }
}
