#if canImport(Glibc)
import Glibc
#endif

/// Writes a command's output file the way a user expects from the shell's `>`, without ever
/// leaving a half-written regular file behind.
///
/// Only a regular file (or a path that does not exist yet) is replaced by writing a
/// temporary file beside it and renaming it over the path, so readers see the old contents
/// or the new, never a part. Everything else is written in place, because a rename would
/// destroy what the path is: a symlink is followed (its target is written, or created when
/// it dangles), a character device or FIFO is opened and written (`-o /dev/null` leaves
/// /dev/null a device), and a regular file with other hard links is rewritten so every name
/// sees the new contents, as is a file the user may write in a directory it may not. A block
/// device, a directory or a socket is refused: writing a report over a disk is never what
/// was meant.
public enum OutputFile {
    /// A write that failed, with the path and the reason.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        /// The failed system call's errno (EISDIR for a directory, ENOTSUP for a refused kind).
        public let errno: Int32

        public var description: String { "cannot write \(path): \(reason)" }

        init(path: String, errno code: Int32) {
            self.path = path
            self.reason = Errno(rawValue: code).description
            self.errno = code
        }

        init(path: String, _ error: Errno) { self.init(path: path, errno: error.rawValue) }

        init(path: String, refusing reason: String) {
            self.path = path
            self.reason = reason
            self.errno = ENOTSUP
        }
    }

    /// Writes `bytes` to `path` (see the type's discussion for what each kind of path gets).
    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        guard !path.isEmpty else { throw WriteError(path: path, errno: ENOENT) }
        var status = stat()
        if lstat(path, &status) != 0 {
            guard errno == ENOENT else { throw WriteError(path: path, errno: errno) }
            try replaceAtomically(path, with: bytes, keeping: nil)
            return
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG where status.st_nlink <= 1:
            try replaceAtomically(path, with: bytes, keeping: status)
        case S_IFREG, S_IFLNK, S_IFCHR, S_IFIFO:
            try writeInPlace(path, bytes)
        case S_IFDIR:
            throw WriteError(path: path, errno: EISDIR)
        case S_IFBLK:
            throw WriteError(path: path, refusing: "it is a block device; refusing to overwrite it")
        default:
            throw WriteError(path: path, refusing: "it is not a regular file, symlink, character device or FIFO")
        }
    }

    /// `>`'s open: follows symlinks, creates a missing target, truncates only regular files
    /// (O_TRUNC is ignored by devices and FIFOs; a FIFO blocks until a reader opens it).
    private static func writeInPlace(_ path: String, _ bytes: [UInt8]) throws(WriteError) {
        let fd: Int32
        do { fd = try SystemCall.open(path, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o666) } catch {
            throw WriteError(path: path, error)
        }
        do throws(WriteError) {
            try writeAll(fd, bytes, path: path)
        } catch {
            try? SystemCall.close(fd)
            throw error
        }
        // A full disk can surface only at close (NFS): report it rather than claim success.
        do { try SystemCall.close(fd) } catch { throw WriteError(path: path, error) }
    }

    /// Writes a temporary file in the same directory (rename is atomic only within one file
    /// system) and renames it over `path`. A new file gets `>`'s mode (0666 minus the umask,
    /// applied by open); an existing file's mode and, when allowed, owner are kept.
    private static func replaceAtomically(
        _ path: String, with bytes: [UInt8], keeping existing: stat?
    ) throws(WriteError) {
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var temporary = ""
        var fd: Int32 = -1
        var openError = Errno(rawValue: EEXIST)
        for _ in 0..<100 {
            temporary = "\(directory).\(name).periscope-\(UInt32.random(in: 0...UInt32.max))"
            do {
                fd = try SystemCall.open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode: 0o666)
                break
            } catch {
                openError = error
                if error.rawValue != EEXIST { break }
            }
        }
        guard fd >= 0 else {
            // A file the user may write in a directory it may not (`>` works there): in place.
            if existing != nil && openError.isPermissionDenied { return try writeInPlace(path, bytes) }
            throw WriteError(path: path, openError)
        }
        var failure: WriteError?
        do throws(WriteError) {
            if let existing {
                _ = fchown(fd, existing.st_uid, existing.st_gid)
                guard fchmod(fd, existing.st_mode & 0o7777) == 0 else { throw WriteError(path: path, errno: errno) }
            }
            try writeAll(fd, bytes, path: path)
        } catch {
            failure = error
        }
        do { try SystemCall.close(fd) } catch { if failure == nil { failure = WriteError(path: path, error) } }
        if failure == nil && rename(temporary, path) != 0 { failure = WriteError(path: path, errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(WriteError) {
        do {
            try SystemCall.writeAll(fd, bytes)
        } catch {
            throw WriteError(path: path, error)
        }
    }
}
