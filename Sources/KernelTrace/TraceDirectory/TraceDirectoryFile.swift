#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// Opens the files of a trace directory as a reader must treat files someone else made: with
/// `O_NONBLOCK`, so a FIFO planted as `cpu0.raw` cannot block the open or the first read, and
/// only when `fstat` says it is a regular file (a FIFO, a device or a socket is refused by name).
enum TraceDirectoryFile {
    /// An open regular file and its size; the caller closes `descriptor`.
    static func openRegular(_ path: String) throws(TraceDirectoryError) -> (descriptor: Int32, sizeBytes: Int) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(path: path, errno: errno, operation: "open") }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw .io(path: path, errno: code, operation: "stat")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .malformed(path: path, reason: "not a regular file (\(kindName(info.st_mode)))")
        }
        return (descriptor, Int(info.st_size))
    }

    /// The whole file, refused when larger than `limitBytes` (a trace's small files are KiB).
    static func read(_ path: String, limitBytes: Int) throws(TraceDirectoryError) -> [UInt8] {
        let (descriptor, size) = try openRegular(path)
        defer { close(descriptor) }
        guard size <= limitBytes else {
            throw .malformed(path: path, reason: "\(size) bytes, more than the \(limitBytes) expected at most")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        let filled: Int
        do {
            filled = try SystemCall.readFully(descriptor, into: &bytes)
        } catch {
            throw .io(path: path, errno: error.rawValue, operation: "read")
        }
        return Array(bytes[..<filled])
    }

    private static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a directory"
        default: "not a regular file"
        }
    }
}
