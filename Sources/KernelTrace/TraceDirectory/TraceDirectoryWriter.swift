#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A trace directory that could not be written or read.
public enum TraceDirectoryError: Error, Sendable, CustomStringConvertible {
    case io(path: String, errno: Int32, operation: String)
    case tracefs(TracefsError)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .io(let path, let code, let operation): return "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        case .tracefs(let error): return error.description
        case .malformed(let path, let reason): return "\(path) is not a Periscope trace file: \(reason)"
        }
    }
}

/// Writes the small files of a trace directory (formats, JSON documents).
public enum TraceDirectoryWriter {
    public static func makeDirectory(_ path: String) throws(TraceDirectoryError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw .io(path: path, errno: errno, operation: "create directory") }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(TraceDirectoryError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, errno: errno, operation: "create") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in retryingEINTR { Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset) } }
            guard written > 0 else { throw .io(path: path, errno: errno, operation: "write") }
            offset += written
        }
    }

    /// Writes a Codable document as pretty JSON with sorted keys.
    public static func writeJSON<Document: Encodable>(_ document: Document, to path: String) throws(TraceDirectoryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try write(Array(encoder.encode(document)) + [UInt8(ascii: "\n")], to: path)
        } catch let error as TraceDirectoryError {
            throw error
        } catch {
            throw .malformed(path: path, reason: "\(error)")
        }
    }

    public static func readJSON<Document: Decodable>(_ type: Document.Type, from path: String) throws(TraceDirectoryError) -> Document {
        let bytes = try TraceDirectoryFile.read(path, limitBytes: 1 << 30)
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw .malformed(path: path, reason: "\(error)")
        }
    }
}
