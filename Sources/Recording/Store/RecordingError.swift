/// Why the store refused to open, write or read, with what the user can do about it.
public enum RecordingError: Error, Equatable, CustomStringConvertible {
    /// Opened read-only and there is no such file.
    case notFound(path: String)
    /// The file exists but is not a Periscope recording (another SQLite database, or not SQLite
    /// at all). Nothing was written to it.
    case notARecording(path: String, reason: String)
    /// Written by a newer Periscope whose schema this one does not know. Nothing was written.
    case newerSchema(path: String, found: Int, supported: Int)
    /// The file or its directory is on a read-only file system or not writable by this user.
    case readOnly(path: String, reason: String)
    /// The file system is full: the batch in flight was rolled back, the stored data is intact.
    case fileSystemFull(path: String)
    /// The store was opened with `.readOnly` and asked to write.
    case openedReadOnly(path: String)
    /// A stored block does not decode.
    case corruptBlock(path: String, container: String, startUnixMilliseconds: Int64, SampleBlockError)
    /// SQLite said something else (its message and extended result code).
    case database(path: String, message: String, code: Int32)

    public var description: String {
        switch self {
        case .notFound(let path):
            "no recording at \(path): start one with `periscope record --db \(path)`"
        case .notARecording(let path, let reason):
            "\(path) is not a Periscope recording (\(reason)); nothing was written to it. Choose another --db path."
        case .newerSchema(let path, let found, let supported):
            "\(path) was written by a newer Periscope (schema \(found); this one knows up to \(supported)); nothing was changed. Use the newer periscope to read it."
        case .readOnly(let path, let reason):
            "cannot write the recording \(path): \(reason). Choose a --db path on a writable file system, or read it with a command that only reads."
        case .fileSystemFull(let path):
            "the file system holding \(path) is full: recording stopped; everything committed before is intact. Free space or set --max-size, then start again."
        case .openedReadOnly(let path):
            "the recording \(path) was opened read-only"
        case .corruptBlock(let path, let container, let start, let error):
            "the recording \(path) has a damaged block (\(container) at \(start) ms): \(error)"
        case .database(let path, let message, let code):
            "SQLite error \(code) on \(path): \(message)"
        }
    }
}
