import GRDB

/// The store's tables and their versioned migrations.
///
/// A recording is marked by `PRAGMA application_id` (so `file` and other tools can tell it
/// apart) and carries its schema version in `PRAGMA user_version`, readable without GRDB.
/// A migration is appended, never edited: a recording written by version N opens in every
/// later Periscope, and a newer file is refused before anything is written.
enum RecordingSchema {
    /// "PsCp": the application id of a Periscope recording.
    static let applicationID: Int32 = 0x5073_4370
    /// The schema this build writes and the newest it reads.
    static let currentVersion = 1
    /// Page size of new recordings: sample blocks are 0.5-2 KiB, so 8 KiB pages pack them
    /// with little slack while a one-second commit still writes only a few pages.
    static let pageSize = 8192

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE container (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        runtime TEXT NOT NULL,
                        image TEXT,
                        started_ms INTEGER,
                        stopped_ms INTEGER,
                        first_seen_ms INTEGER NOT NULL,
                        last_seen_ms INTEGER NOT NULL
                    );
                    CREATE INDEX container_by_last_seen ON container(last_seen_ms);
                    CREATE TABLE container_name (
                        container INTEGER NOT NULL REFERENCES container(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        first_seen_ms INTEGER NOT NULL,
                        PRIMARY KEY (container, name)
                    ) WITHOUT ROWID;
                    CREATE INDEX container_name_by_name ON container_name(name);
                    -- Closed blocks: resolution 0 = as recorded, else the roll-up period in ms.
                    CREATE TABLE sample_block (
                        id INTEGER PRIMARY KEY,
                        container INTEGER NOT NULL REFERENCES container(id) ON DELETE CASCADE,
                        resolution_ms INTEGER NOT NULL,
                        start_ms INTEGER NOT NULL,
                        end_ms INTEGER NOT NULL,
                        sample_count INTEGER NOT NULL,
                        data BLOB NOT NULL
                    );
                    CREATE UNIQUE INDEX sample_block_by_container ON sample_block(container, resolution_ms, start_ms);
                    CREATE INDEX sample_block_by_end ON sample_block(resolution_ms, end_ms);
                    -- The samples of each batch whose block period is still open, one row per batch
                    -- (PendingBatchCodec), so every committed batch survives a crash.
                    CREATE TABLE pending_batch (
                        id INTEGER PRIMARY KEY,
                        time_ms INTEGER NOT NULL,
                        data BLOB NOT NULL
                    );
                    CREATE INDEX pending_batch_by_time ON pending_batch(time_ms);
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY,
                        time_ms INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        container INTEGER REFERENCES container(id) ON DELETE SET NULL,
                        message TEXT NOT NULL,
                        duration_us INTEGER,
                        attributes TEXT
                    );
                    CREATE INDEX event_by_time ON event(time_ms);
                    CREATE TABLE finding (
                        id INTEGER PRIMARY KEY,
                        time_ms INTEGER NOT NULL,
                        window_start_ms INTEGER,
                        rule TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        container INTEGER REFERENCES container(id) ON DELETE SET NULL,
                        message TEXT NOT NULL,
                        evidence TEXT
                    );
                    CREATE INDEX finding_by_time ON finding(time_ms);
                    """)
        }
        return migrator
    }
}
