#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LinuxHost

/// A trace directory that could not be written or read.
public enum TraceDirectoryError: Error, Sendable, CustomStringConvertible {
    case io(path: String, errno: Int32, operation: String)
    case tracefs(TracefsError)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .io(let path, let code, let operation):
            return "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        case .tracefs(let error): return error.description
        case .malformed(let path, let reason): return "\(path) is not a Periscope trace file: \(reason)"
        }
    }
}

/// Writes the small files of a trace directory (formats, JSON documents).
public enum TraceDirectoryWriter {
    public static func makeDirectory(_ path: String) throws(TraceDirectoryError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .io(path: path, errno: errno, operation: "create directory")
        }
    }

    /// Writes one whole file; a rewrite (metadata.json at the end of a recording) replaces it
    /// atomically, so a reader never sees half a document.
    public static func write(_ bytes: [UInt8], to path: String) throws(TraceDirectoryError) {
        do {
            try OutputFile.write(bytes, to: path)
        } catch {
            throw .io(path: path, errno: error.errno, operation: "write")
        }
    }

    /// Writes a Codable document as pretty JSON with sorted keys.
    public static func writeJSON<Document: Encodable>(_ document: Document, to path: String) throws(TraceDirectoryError)
    {
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

    public static func readJSON<Document: Decodable>(
        _ type: Document.Type, from path: String
    ) throws(TraceDirectoryError) -> Document {
        let bytes = try TraceDirectoryFile.read(path, limitBytes: 1 << 30)
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw .malformed(path: path, reason: "\(error)")
        }
    }
}
