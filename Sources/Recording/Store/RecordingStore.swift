import Foundation
import GRDB
import Synchronization

/// A Periscope recording: one SQLite file in WAL mode holding samples, the container
/// inventory over time, events and findings. The only code that touches SQL.
///
/// Writes come in batches (`append`), one transaction each: a crash or `kill -9` loses at most
/// the batch in flight, and WAL keeps what was committed readable by other processes while
/// the recorder writes. A batch's samples are first kept as one row; when the block period
/// (a minute by default) is over, those rows are packed into one compressed block per
/// container (`SampleBlockCodec`) in the same transaction. Roll-ups, retention and the size cap run in
/// `maintain`, which `append` calls on its own every `maintenanceIntervalMilliseconds`.
public final class RecordingStore: @unchecked Sendable {
    /// Whether the store may write.
    public enum Mode: Sendable { case readWrite, readOnly }

    /// How samples are kept over time.
    public struct Configuration: Sendable {
        /// Samples as recorded are packed per container per this period.
        public var blockSpanMilliseconds: Int64 = 60_000
        /// Samples as recorded are kept this long, then rolled up.
        public var rawRetentionMilliseconds: Int64 = 86_400_000
        /// The period of a rolled-up point.
        public var rollupResolutionMilliseconds: Int64 = 60_000
        /// Rolled-up points are packed per container per this period.
        public var rollupBlockSpanMilliseconds: Int64 = 3_600_000
        /// Everything older than this is deleted; nil keeps everything.
        public var retentionMilliseconds: Int64? = 7 * 86_400_000
        /// When the data grows past this, the oldest hour is deleted until it fits; nil for no cap.
        public var maximumSizeBytes: Int64?
        /// How often `append` runs `maintain` (in recorded time).
        public var maintenanceIntervalMilliseconds: Int64 = 60_000
        /// zlib level for blocks (1 fastest, 9 smallest).
        public var compressionLevel: Int32 = 6

        public init() {}
    }

    /// The file.
    public let path: String
    public let mode: Mode
    public let configuration: Configuration
    let pool: DatabasePool
    let state: Mutex<WriterState>

    /// What the writer keeps between batches to avoid asking SQLite.
    struct WriterState {
        /// Row ids of containers by key.
        var containerIDs: [RecordedContainerKey: Int64] = [:]
        /// The facts last written per container, to skip unchanged updates.
        var descriptions: [Int64: ContainerDescription] = [:]
        /// The block period of the oldest pending batch.
        var pendingBlockStart: Int64?
        /// The recorded time at which `append` next runs `maintain`.
        var nextMaintenanceUnixMilliseconds: Int64?
    }

    /// Opens (or, with `.readWrite`, creates) the recording at `path`.
    ///
    /// Refuses, without writing anything, a file that is not a Periscope recording, one from
    /// a newer schema, and a read-only location when asked to write.
    public init(
        path: String, mode: Mode = .readWrite, configuration: Configuration = Configuration()
    ) throws(RecordingError) {
        self.path = path
        self.mode = mode
        self.configuration = configuration
        let verdict = try RecordingFileCheck.inspect(path: path, mode: mode)
        var databaseConfiguration = GRDB.Configuration()
        databaseConfiguration.readonly = mode == .readOnly
        databaseConfiguration.foreignKeysEnabled = true
        databaseConfiguration.busyMode = .timeout(5)
        if mode == .readWrite, verdict == .new {
            // Before the switch to WAL writes the header: page size and vacuum mode are set
            // once, when the file is created.
            databaseConfiguration.prepareDatabase { db in
                // Reader connections run this too and must not write.
                guard !db.configuration.readonly else { return }
                try db.execute(sql: "PRAGMA page_size = \(RecordingSchema.pageSize); PRAGMA auto_vacuum = INCREMENTAL")
            }
        }
        do {
            pool = try DatabasePool(
                path: RecordingFileCheck.connectionPath(path, mode: mode), configuration: databaseConfiguration)
            if mode == .readWrite {
                try pool.writeWithoutTransaction { db in
                    // A crash may lose the batch in flight, never a committed one: WAL with
                    // synchronous=NORMAL syncs at checkpoints, and a committed transaction
                    // survives a process kill (the kernel has the pages).
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                    // Each one-second commit rewrites a few whole pages into the log: checkpoint
                    // every 2 MiB and cut the log back, so it stays small beside the database.
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = 256")
                    _ = try Row.fetchAll(db, sql: "PRAGMA journal_size_limit = 4194304")
                }
                try pool.write { db in
                    try db.execute(sql: "PRAGMA application_id = \(RecordingSchema.applicationID)")
                }
                try RecordingSchema.migrator.migrate(pool)
                try pool.write { db in try db.execute(sql: "PRAGMA user_version = \(RecordingSchema.currentVersion)") }
            }
        } catch {
            throw Self.translate(error, path: path)
        }
        state = Mutex(WriterState())
        if mode == .readWrite { try loadWriterState() }
    }

    private func loadWriterState() throws(RecordingError) {
        let loaded: WriterState
        do {
            loaded = try pool.read { db in
                var state = WriterState()
                for row in try Row.fetchAll(
                    db, sql: "SELECT id, key, name, runtime, image, started_ms, stopped_ms FROM container")
                {
                    let id: Int64 = row[0]
                    let key = RecordedContainerKey(row[1] as String)
                    state.containerIDs[key] = id
                    state.descriptions[id] = ContainerDescription(
                        key: key, name: row[2], runtime: row[3], image: row[4],
                        startedAtUnixMilliseconds: row[5], stoppedAtUnixMilliseconds: row[6])
                }
                if let oldest = try Int64.fetchOne(db, sql: "SELECT min(time_ms) FROM pending_batch") {
                    state.pendingBlockStart = blockStart(of: oldest)
                }
                return state
            }
        } catch {
            throw Self.translate(error, path: path)
        }
        state.withLock { $0 = loaded }
    }

    /// The start of the as-recorded block period holding `time`.
    func blockStart(of time: Int64) -> Int64 {
        let span = configuration.blockSpanMilliseconds
        return time >= 0 ? time / span * span : (time - span + 1) / span * span
    }

    /// SQLite's and GRDB's errors as the store's, keeping "disk full" and "read-only" apart.
    static func translate(_ error: any Error, path: String) -> RecordingError {
        if let error = error as? RecordingError { return error }
        if let error = error as? SampleBlockError {
            return .corruptBlock(path: path, container: "?", startUnixMilliseconds: 0, error)
        }
        guard let error = error as? DatabaseError else { return .database(path: path, message: "\(error)", code: -1) }
        switch error.resultCode {
        case .SQLITE_FULL: return .fileSystemFull(path: path)
        case .SQLITE_READONLY: return .readOnly(path: path, reason: error.message ?? "read-only database")
        case .SQLITE_NOTADB: return .notARecording(path: path, reason: "not an SQLite database")
        case .SQLITE_IOERR:
            // ENOSPC while extending the WAL or its index surfaces as an I/O error.
            return Self.fileSystemIsFull(path)
                ? .fileSystemFull(path: path)
                : .database(path: path, message: error.message ?? "I/O error", code: error.extendedResultCode.rawValue)
        default:
            return .database(path: path, message: error.message ?? "\(error)", code: error.extendedResultCode.rawValue)
        }
    }

    private static func fileSystemIsFull(_ path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        guard
            let attributes = try? FileManager.default.attributesOfFileSystem(
                forPath: directory.isEmpty ? "." : directory),
            let free = attributes[.systemFreeSize] as? NSNumber
        else { return false }
        return free.int64Value < 64 * 1024
    }
}
