#if canImport(Glibc)
import Glibc
#endif

/// Writing result files: always new files (O_EXCL, O_NOFOLLOW), never through a link.
enum CaptureFiles {
    /// Creates `path` and writes all of `bytes`.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let descriptor = try create(path)
        defer { close(descriptor) }
        try writeAll(bytes[...], to: descriptor, path: path)
    }

    /// A new file opened for writing.
    static func create(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CaptureRunError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    static func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32, path: String) throws {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CaptureRunError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
