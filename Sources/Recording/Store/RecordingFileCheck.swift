import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// What is at a path before the store opens it, decided without writing a byte: a switch to
/// WAL or a migration would otherwise change someone else's database.
enum RecordingFileCheck {
    enum Verdict: Equatable {
        /// Nothing there yet (or an empty file): a new recording.
        case new
        /// A Periscope recording of `version`.
        case recording(version: Int)
    }

    static func inspect(path: String, mode: RecordingStore.Mode) throws(RecordingError) -> Verdict {
        var status = stat()
        guard stat(path, &status) == 0 else {
            guard errno == ENOENT else {
                throw .database(path: path, message: String(cString: strerror(errno)), code: errno)
            }
            if mode == .readOnly { throw .notFound(path: path) }
            try requireWritable(directoryOf: path, file: path)
            return .new
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .notARecording(path: path, reason: "not a regular file") }
        if mode == .readWrite {
            try requireWritable(directoryOf: path, file: path)
            guard access(path, W_OK) == 0 else {
                throw .readOnly(path: path, reason: "the file is not writable (\(String(cString: strerror(errno))))")
            }
        }
        if status.st_size == 0 {
            if mode == .readOnly { throw .notARecording(path: path, reason: "the file is empty") }
            return .new
        }
        try requireSQLiteHeader(path: path)
        // A read-only connection sees the write-ahead log too (a recording killed before its
        // first checkpoint has its marks only there) and changes nothing.
        var configuration = Configuration()
        configuration.readonly = true
        let facts: (applicationID: Int32, version: Int, tables: Int)
        do {
            let queue = try DatabaseQueue(path: connectionPath(path, mode: mode), configuration: configuration)
            facts = try queue.read { db in
                (
                    try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                    try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                )
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw .notARecording(path: path, reason: "not an SQLite database")
        } catch {
            throw RecordingStore.translate(error, path: path)
        }
        if facts.applicationID == RecordingSchema.applicationID {
            guard facts.version <= RecordingSchema.currentVersion else {
                throw .newerSchema(path: path, found: facts.version, supported: RecordingSchema.currentVersion)
            }
            return .recording(version: facts.version)
        }
        if facts.applicationID == 0 && facts.tables == 0 && facts.version == 0 {
            if mode == .readOnly { throw .notARecording(path: path, reason: "an empty SQLite database") }
            return .new
        }
        let owner =
            facts.applicationID == 0
            ? "an SQLite database of another program"
            : String(format: "an SQLite database with application id 0x%08x", facts.applicationID)
        throw .notARecording(path: path, reason: owner)
    }

    /// What to hand SQLite: the path, or, to read a recording on read-only media, an
    /// `immutable` URI. A read-only connection to a WAL database otherwise needs to create the
    /// `-shm` index beside it and fails; immutable skips locking and the log, which on media
    /// nobody writes holds nothing newer (a cleanly closed recording has no log left).
    static func connectionPath(_ path: String, mode: RecordingStore.Mode) -> String {
        guard mode == .readOnly else { return path }
        let directory = (path as NSString).deletingLastPathComponent
        let target = directory.isEmpty ? "." : directory
        var fileSystem = statvfs()
        let readOnlyMount = statvfs(target, &fileSystem) == 0 && fileSystem.f_flag & UInt(ST_RDONLY) != 0
        guard readOnlyMount || access(target, W_OK) != 0 else { return path }
        // With its log and index beside it (a recorder killed before closing), SQLite reads a
        // WAL database read-only as is; immutable would skip the log's committed batches.
        guard access(path + "-wal", F_OK) != 0 else { return path }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let escaped =
            absolute.addingPercentEncoding(
                withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#"))) ?? absolute
        return "file:\(escaped)?immutable=1"
    }

    /// The first 16 bytes of every SQLite 3 database.
    private static let sqliteMagic = Array("SQLite format 3\0".utf8)

    private static func requireSQLiteHeader(path: String) throws(RecordingError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .database(path: path, message: String(cString: strerror(errno)), code: errno)
        }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 16)
        var filled = 0
        while filled < header.count {
            let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, 16 - filled) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        guard filled == 16, header == sqliteMagic else {
            throw .notARecording(path: path, reason: "not an SQLite database")
        }
    }

    /// The directory must take new files (the write-ahead log and its index live beside the
    /// database) and must not be on a read-only mount.
    private static func requireWritable(directoryOf path: String, file: String) throws(RecordingError) {
        let directory = (path as NSString).deletingLastPathComponent
        let target = directory.isEmpty ? "." : directory
        var fileSystem = statvfs()
        if statvfs(target, &fileSystem) == 0, fileSystem.f_flag & UInt(ST_RDONLY) != 0 {
            throw .readOnly(path: file, reason: "\(target) is on a read-only file system")
        }
        guard access(target, W_OK) == 0 else {
            let reason =
                errno == ENOENT
                ? "the directory \(target) does not exist"
                : "the directory \(target) is not writable (\(String(cString: strerror(errno))))"
            throw .readOnly(path: file, reason: reason)
        }
    }
}
