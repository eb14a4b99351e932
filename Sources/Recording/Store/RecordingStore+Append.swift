import Foundation
import GRDB

extension RecordingStore {
    /// Writes one interval's samples, inventory changes, events and findings in one
    /// transaction, packing blocks whose period is over. Runs `maintain` when it is due.
    ///
    /// On a full file system it throws `.fileSystemFull` and the store keeps every earlier
    /// batch; the caller should stop recording.
    public func append(_ batch: RecordingBatch) throws(RecordingError) {
        guard mode == .readWrite else { throw .openedReadOnly(path: path) }
        let maintenanceDue: Bool = try state.withLock { (state: inout WriterState) throws(RecordingError) -> Bool in
            let saved = state
            do {
                try pool.write { db in try self.write(batch, into: db, state: &state) }
            } catch {
                // The transaction rolled back: forget the ids and block starts it assigned.
                state = saved
                throw Self.translate(error, path: path)
            }
            guard let next = state.nextMaintenanceUnixMilliseconds else {
                state.nextMaintenanceUnixMilliseconds =
                    batch.unixMilliseconds + configuration.maintenanceIntervalMilliseconds
                return false
            }
            guard batch.unixMilliseconds >= next else { return false }
            state.nextMaintenanceUnixMilliseconds =
                batch.unixMilliseconds + configuration.maintenanceIntervalMilliseconds
            return true
        }
        if maintenanceDue { _ = try maintain(nowUnixMilliseconds: batch.unixMilliseconds) }
    }

    private func write(_ batch: RecordingBatch, into db: Database, state: inout WriterState) throws {
        for description in batch.containers {
            try update(description, at: batch.unixMilliseconds, in: db, state: &state)
        }
        if !batch.samples.isEmpty {
            var entries: [PendingBatchCodec.Entry] = []
            entries.reserveCapacity(batch.samples.count)
            for entry in batch.samples {
                let id = try containerID(entry.container, at: entry.unixMilliseconds, in: db, state: &state)
                entries.append(
                    PendingBatchCodec.Entry(
                        containerID: id, unixMilliseconds: entry.unixMilliseconds, values: entry.values))
            }
            let start = blockStart(of: batch.unixMilliseconds)
            if let pendingStart = state.pendingBlockStart, pendingStart != start {
                // The period is over; a batch older than the open block (the wall clock stepped
                // back) closes everything pending, so blocks never overlap in time order.
                try packPending(before: pendingStart < start ? start : Int64.max, in: db)
            }
            try db.cachedStatement(sql: "INSERT INTO pending_batch (time_ms, data) VALUES (?, ?)")
                .execute(arguments: [
                    batch.unixMilliseconds, Data(PendingBatchCodec.encode(entries, batchTime: batch.unixMilliseconds))
                ])
            if state.pendingBlockStart == nil || state.pendingBlockStart != start { state.pendingBlockStart = start }
        }
        for event in batch.events { try insert(event, in: db, state: &state) }
        for finding in batch.findings { try insert(finding, in: db, state: &state) }
    }

    /// The row id of `key`, creating its row (named after its key) on first sight.
    func containerID(
        _ key: RecordedContainerKey, at time: Int64, in db: Database, state: inout WriterState,
        describedAs given: ContainerDescription? = nil
    ) throws -> Int64 {
        if let id = state.containerIDs[key] { return id }
        let description = given ?? ContainerDescription(key: key, name: key.isHost ? "host" : key.id)
        try db.execute(
            sql: """
                INSERT INTO container (key, name, runtime, image, started_ms, stopped_ms, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                key.rawValue, description.name, description.runtime, description.image,
                description.startedAtUnixMilliseconds,
                description.stoppedAtUnixMilliseconds, time, max(time, description.stoppedAtUnixMilliseconds ?? time)
            ])
        let id = db.lastInsertedRowID
        try db.execute(
            sql: "INSERT OR IGNORE INTO container_name (container, name, first_seen_ms) VALUES (?, ?, ?)",
            arguments: [id, description.name, time])
        state.containerIDs[key] = id
        state.descriptions[id] = description
        return id
    }

    /// Stores what changed of a container's facts; a new name is added to its name history.
    private func update(
        _ description: ContainerDescription, at time: Int64, in db: Database, state: inout WriterState
    ) throws {
        let id = try containerID(description.key, at: time, in: db, state: &state, describedAs: description)
        guard let old = state.descriptions[id] else { return }
        var merged = description
        merged.image = description.image ?? old.image
        merged.startedAtUnixMilliseconds = description.startedAtUnixMilliseconds ?? old.startedAtUnixMilliseconds
        // A new start clears the stop time of the previous run unless this batch gives one.
        if description.stoppedAtUnixMilliseconds == nil,
            description.startedAtUnixMilliseconds == old.startedAtUnixMilliseconds
        {
            merged.stoppedAtUnixMilliseconds = old.stoppedAtUnixMilliseconds
        }
        guard merged != old else { return }
        try db.execute(
            sql: """
                UPDATE container SET name = ?, runtime = ?, image = ?, started_ms = ?, stopped_ms = ?,
                    last_seen_ms = max(last_seen_ms, coalesce(?, last_seen_ms)) WHERE id = ?
                """,
            arguments: [
                merged.name, merged.runtime, merged.image, merged.startedAtUnixMilliseconds,
                merged.stoppedAtUnixMilliseconds,
                merged.stoppedAtUnixMilliseconds, id
            ])
        if merged.name != old.name {
            try db.execute(
                sql: "INSERT OR IGNORE INTO container_name (container, name, first_seen_ms) VALUES (?, ?, ?)",
                arguments: [id, merged.name, time])
        }
        state.descriptions[id] = merged
    }

    private func insert(_ event: RecordedEvent, in db: Database, state: inout WriterState) throws {
        let id = try event.container.map { try containerID($0, at: event.unixMilliseconds, in: db, state: &state) }
        let attributes =
            event.attributes.isEmpty
            ? nil : String(decoding: try JSONEncoder.sorted.encode(event.attributes), as: UTF8.self)
        try db.execute(
            sql:
                "INSERT INTO event (time_ms, kind, container, message, duration_us, attributes) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                event.unixMilliseconds, event.kind.rawValue, id, event.message, event.durationMicroseconds, attributes
            ])
    }

    private func insert(_ finding: RecordedFinding, in db: Database, state: inout WriterState) throws {
        let id = try finding.container.map { try containerID($0, at: finding.unixMilliseconds, in: db, state: &state) }
        try db.execute(
            sql: """
                INSERT INTO finding (time_ms, window_start_ms, rule, severity, container, message, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                finding.unixMilliseconds, finding.windowStartUnixMilliseconds, finding.ruleID, finding.severity, id,
                finding.message, finding.evidenceJSON
            ])
    }

    /// Packs the pending batches older than `before` into as-recorded blocks (one per
    /// container per block period), and moves each container's last-seen time forward.
    func packPending(before: Int64, in db: Database) throws {
        var byBlock: [[Int64]: [RecordedSample]] = [:]
        var lastSeen: [Int64: Int64] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT time_ms, data FROM pending_batch WHERE time_ms < ? ORDER BY time_ms, id",
            arguments: [before])
        {
            let batchTime: Int64 = row[0]
            let data: Data = row[1]
            for entry in try PendingBatchCodec.decode([UInt8](data), batchTime: batchTime) {
                byBlock[[entry.containerID, blockStart(of: entry.unixMilliseconds)], default: []]
                    .append(RecordedSample(unixMilliseconds: entry.unixMilliseconds, values: entry.values))
                lastSeen[entry.containerID] = max(lastSeen[entry.containerID] ?? .min, entry.unixMilliseconds)
            }
        }
        for (target, samples) in byBlock {
            try storeBlock(
                container: target[0], resolution: 0, start: target[1],
                samples: samples.sorted { $0.unixMilliseconds < $1.unixMilliseconds }, in: db)
        }
        let touch = try db.cachedStatement(sql: "UPDATE container SET last_seen_ms = max(last_seen_ms, ?) WHERE id = ?")
        for (id, time) in lastSeen { try touch.execute(arguments: [time, id]) }
        try db.execute(sql: "DELETE FROM pending_batch WHERE time_ms < ?", arguments: [before])
    }

    /// Writes a block, merging with the one already stored for the same container, resolution
    /// and start (a restart of the recorder within a block period, a late roll-up).
    func storeBlock(
        container id: Int64, resolution: Int64, start: Int64, samples: [RecordedSample], in db: Database
    ) throws {
        var merged = samples
        if let existing = try Data.fetchOne(
            db, sql: "SELECT data FROM sample_block WHERE container = ? AND resolution_ms = ? AND start_ms = ?",
            arguments: [id, resolution, start])
        {
            let old = try SampleBlockCodec.decodeBlock([UInt8](existing))
            let newTimes = Set(samples.map(\.unixMilliseconds))
            merged = (old.filter { !newTimes.contains($0.unixMilliseconds) } + samples).sorted {
                $0.unixMilliseconds < $1.unixMilliseconds
            }
        }
        guard let first = merged.first, let last = merged.last else { return }
        let blob = SampleBlockCodec.encodeBlock(merged, compressionLevel: configuration.compressionLevel)
        try db.execute(
            sql: """
                INSERT INTO sample_block (container, resolution_ms, start_ms, end_ms, sample_count, data) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (container, resolution_ms, start_ms) DO UPDATE SET end_ms = excluded.end_ms,
                    sample_count = excluded.sample_count, data = excluded.data
                """,
            arguments: [
                id, resolution, start, max(last.unixMilliseconds, first.unixMilliseconds), merged.count, Data(blob)
            ])
    }

    /// Packs every pending sample into blocks: call when recording stops, so a reader finds
    /// the last minutes compressed too (they are readable either way).
    public func flush() throws(RecordingError) {
        guard mode == .readWrite else { throw .openedReadOnly(path: path) }
        try state.withLock { (state: inout WriterState) throws(RecordingError) in
            do {
                try pool.write { db in
                    try self.packPending(before: Int64.max, in: db)
                }
                state.pendingBlockStart = nil
            } catch {
                throw Self.translate(error, path: path)
            }
        }
    }
}

extension RecordingStore {
    /// Packs what is pending, moves the write-ahead log into the database file and closes
    /// it: the file alone is then the whole recording (to copy, or to read on read-only media).
    /// The store cannot be used afterwards.
    public func close() throws(RecordingError) {
        do {
            if mode == .readWrite {
                try flush()
                try pool.writeWithoutTransaction { db in
                    _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            }
            try pool.close()
        } catch {
            throw Self.translate(error, path: path)
        }
    }
}

extension JSONEncoder {
    /// Sorted keys, so equal attributes store equal text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
