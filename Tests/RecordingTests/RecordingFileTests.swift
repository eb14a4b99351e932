import Foundation
import GRDB
import Testing
@testable import Recording

/// Refusals: nothing that is not a Periscope recording of a known schema is ever written to.
@Suite struct RecordingFileTests {
    private func contents(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    private func directoryListing(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    @Test func newFileIsMarkedAsARecording() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("new.db")
        _ = try RecordingStore(path: path)
        let queue = try DatabaseQueue(path: path)
        let facts = try queue.read { db in
            (
                try Int32.fetchOne(db, sql: "PRAGMA application_id"), try Int.fetchOne(db, sql: "PRAGMA user_version"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA page_size")
            )
        }
        #expect(facts.0 == RecordingSchema.applicationID)
        #expect(facts.1 == RecordingSchema.currentVersion)
        #expect(facts.2 == "wal")
        #expect(facts.3 == RecordingSchema.pageSize)
    }

    @Test func missingFileIsNotCreatedWhenReading() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent.db")
        #expect(throws: RecordingError.notFound(path: path)) { try RecordingStore(path: path, mode: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func textFileIsRefusedUntouched() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.db")
        try Data("these are my notes, not a database\n".utf8).write(to: URL(fileURLWithPath: path))
        for mode in [RecordingStore.Mode.readWrite, .readOnly] {
            #expect(throws: RecordingError.notARecording(path: path, reason: "not an SQLite database")) {
                try RecordingStore(path: path, mode: mode)
            }
        }
        #expect(try contents(path) == Data("these are my notes, not a database\n".utf8))
        #expect(try directoryListing(directory.path) == ["notes.db"])
    }

    @Test func otherProgramsDatabaseIsRefusedUntouched() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("app.db")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(
                    sql:
                        "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customer (name) VALUES ('Ada')"
                )
            }
        }
        let before = try contents(path)
        let error = #expect(throws: RecordingError.self) { try RecordingStore(path: path) }
        #expect(error?.description.contains("is not a Periscope recording") == true)
        #expect(throws: RecordingError.self) { try RecordingStore(path: path, mode: .readOnly) }
        #expect(try contents(path) == before)
        // Still in rollback-journal mode: the store did not switch it to WAL.
        let queue = try DatabaseQueue(path: path)
        let journalMode = try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "delete")
    }

    @Test func newerSchemaIsRefusedUntouched() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("future.db")
        do {
            let store = try RecordingStore(path: path)
            try store.append(
                RecordingBatch(
                    unixMilliseconds: 1000,
                    samples: [
                        RecordingBatch.Entry(
                            container: .host, unixMilliseconds: 1000, values: RecordedValues([(.pids, 1)]))
                    ]))
        }
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA user_version = \(RecordingSchema.currentVersion + 1)")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        }
        let before = try contents(path)
        for mode in [RecordingStore.Mode.readWrite, .readOnly] {
            #expect(
                throws: RecordingError.newerSchema(
                    path: path, found: RecordingSchema.currentVersion + 1, supported: RecordingSchema.currentVersion)
            ) {
                try RecordingStore(path: path, mode: mode)
            }
        }
        #expect(try contents(path) == before)
    }

    @Test func emptyFileBecomesARecording() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty.db")
        FileManager.default.createFile(atPath: path, contents: Data())
        #expect(throws: RecordingError.self) { try RecordingStore(path: path, mode: .readOnly) }
        _ = try RecordingStore(path: path)
        _ = try RecordingStore(path: path, mode: .readOnly)
    }

    @Test func missingDirectoryIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("no/such/dir/r.db")
        let error = #expect(throws: RecordingError.self) { try RecordingStore(path: path) }
        #expect(error?.description.contains("does not exist") == true)
    }
}
