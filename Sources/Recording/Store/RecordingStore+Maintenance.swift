import Foundation
import GRDB

extension RecordingStore {
    /// What one `maintain` run did.
    public struct MaintenanceReport: Sendable, Equatable {
        /// Pending batches of a closed block period were packed (no batch came to close it).
        public var packedBatches = false
        /// As-recorded blocks replaced by roll-ups.
        public var rolledUpBlocks = 0
        /// Blocks, events and findings deleted past the retention or the size cap.
        public var deletedBlocks = 0
        public var deletedEvents = 0
        public var deletedFindings = 0
        /// Containers forgotten because nothing of them is left.
        public var deletedContainers = 0
        /// Bytes of pages in use afterwards.
        public var usedBytes: Int64 = 0
    }

    /// Most as-recorded blocks rolled up per run, so one run stays short beside the sampling loop.
    static let rollupBlocksPerRun = 20_000

    /// Packs pending batches of a block period that is over, rolls up as-recorded
    /// blocks older than `rawRetentionMilliseconds`, deletes what is older than the retention,
    /// then the oldest hours while the data exceeds `maximumSizeBytes`. Each step is its own
    /// transaction; `append` calls it on its own.
    @discardableResult
    public func maintain(nowUnixMilliseconds now: Int64) throws(RecordingError) -> MaintenanceReport {
        guard mode == .readWrite else { throw .openedReadOnly(path: path) }
        return try state.withLock { (state: inout WriterState) throws(RecordingError) -> MaintenanceReport in
            var report = MaintenanceReport()
            do {
                let openBlock = blockStart(of: now)
                if let pendingStart = state.pendingBlockStart, pendingStart < openBlock {
                    // No batch came since the period closed (the recorder paused): pack it now.
                    try pool.write { db in try self.packPending(before: openBlock, in: db) }
                    state.pendingBlockStart = nil
                    report.packedBatches = true
                }
                try pool.write { db in
                    report.rolledUpBlocks = try self.rollUp(
                        olderThan: now - self.configuration.rawRetentionMilliseconds, in: db)
                }
                if let retention = configuration.retentionMilliseconds {
                    try pool.write { db in try self.delete(before: now - retention, in: db, report: &report) }
                }
                if let cap = configuration.maximumSizeBytes {
                    try enforce(cap: cap, report: &report, state: &state)
                }
                if report.deletedContainers > 0 { try forgetDeletedContainers(state: &state) }
                report.usedBytes = try pool.read { db in try Self.usedBytes(db) }
                if report.deletedBlocks > 0 || report.rolledUpBlocks > 0 {
                    try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA incremental_vacuum") }
                }
            } catch {
                throw Self.translate(error, path: path)
            }
            return report
        }
    }

    /// Replaces as-recorded blocks that ended before `cutoff` by one point per roll-up
    /// period: counters and limits keep their last value, gauges their mean, with the
    /// maximum as `metric.peak`.
    private func rollUp(olderThan cutoff: Int64, in db: Database) throws -> Int {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, container, data FROM sample_block WHERE resolution_ms = 0 AND end_ms < ? LIMIT ?
                """, arguments: [cutoff, Self.rollupBlocksPerRun])
        guard !rows.isEmpty else { return 0 }
        let resolution = configuration.rollupResolutionMilliseconds
        let span = configuration.rollupBlockSpanMilliseconds
        var pointsByTarget: [[Int64]: [RecordedSample]] = [:]
        for row in rows {
            let container: Int64 = row[1]
            let data: Data = row[2]
            let samples = try SampleBlockCodec.decodeBlock([UInt8](data))
            var bucket: [RecordedSample] = []
            var bucketStart: Int64?
            func closeBucket() {
                guard let start = bucketStart, !bucket.isEmpty else { return }
                let point = Self.rolledUp(bucket, at: start)
                pointsByTarget[[container, Self.floor(start, to: span)], default: []].append(point)
            }
            for sample in samples {
                let start = Self.floor(sample.unixMilliseconds, to: resolution)
                if start != bucketStart {
                    closeBucket()
                    bucket.removeAll(keepingCapacity: true)
                    bucketStart = start
                }
                bucket.append(sample)
            }
            closeBucket()
        }
        for (target, points) in pointsByTarget {
            // A period split over two blocks gives two points at one time: keep the later one's counters.
            var byTime: [Int64: RecordedSample] = [:]
            for point in points { byTime[point.unixMilliseconds] = point }
            try storeBlock(
                container: target[0], resolution: resolution, start: target[1],
                samples: byTime.values.sorted { $0.unixMilliseconds < $1.unixMilliseconds }, in: db)
        }
        let ids = rows.map { $0[0] as Int64 }
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let slice = ids[chunk..<min(chunk + 500, ids.count)]
            try db.execute(
                sql: "DELETE FROM sample_block WHERE id IN (\(slice.map(String.init).joined(separator: ",")))")
        }
        return rows.count
    }

    /// One point for `samples` (one roll-up period), stamped at the period's start.
    static func rolledUp(_ samples: [RecordedSample], at start: Int64) -> RecordedSample {
        var values = RecordedValues()
        var sums: [RecordedMetric: (sum: Double, count: Int, maximum: Int64)] = [:]
        for sample in samples {
            for (metric, value) in zip(sample.values.metrics, sample.values.integers) {
                switch metric.kind {
                case .counter, .limit:
                    values[metric] = value
                case .gauge where metric.isPeak:
                    values[metric] = max(values[metric] ?? value, value)
                case .gauge:
                    let old = sums[metric] ?? (0, 0, value)
                    sums[metric] = (old.sum + Double(value), old.count + 1, max(old.maximum, value))
                }
            }
        }
        for (metric, total) in sums {
            values.set(metric, total.sum / Double(total.count))
            values[metric.peak] = max(values[metric.peak] ?? total.maximum, total.maximum)
        }
        return RecordedSample(unixMilliseconds: start, values: values)
    }

    static func floor(_ time: Int64, to period: Int64) -> Int64 {
        time >= 0 ? time / period * period : (time - period + 1) / period * period
    }

    private func delete(before cutoff: Int64, in db: Database, report: inout MaintenanceReport) throws {
        // One delete per resolution, so each walks the (resolution, end) index: maintenance runs
        // every minute and must not scan every block.
        for resolution in [0, configuration.rollupResolutionMilliseconds] {
            try db.execute(
                sql: "DELETE FROM sample_block WHERE resolution_ms = ? AND end_ms < ?", arguments: [resolution, cutoff])
            report.deletedBlocks += db.changesCount
        }
        try db.execute(sql: "DELETE FROM pending_batch WHERE time_ms < ?", arguments: [cutoff])
        try db.execute(sql: "DELETE FROM event WHERE time_ms < ?", arguments: [cutoff])
        report.deletedEvents += db.changesCount
        try db.execute(sql: "DELETE FROM finding WHERE time_ms < ?", arguments: [cutoff])
        report.deletedFindings += db.changesCount
        // A container in a pending batch was seen within the last block period: its last-seen
        // time (moved at packing) is never that old.
        let gone = try Int64.fetchAll(
            db,
            sql: """
                SELECT id FROM container c WHERE last_seen_ms < ? AND key != ?
                  AND NOT EXISTS (SELECT 1 FROM sample_block b WHERE b.container = c.id)
                """, arguments: [cutoff, RecordedContainerKey.host.rawValue])
        for id in gone { try db.execute(sql: "DELETE FROM container WHERE id = ?", arguments: [id]) }
        report.deletedContainers += gone.count
    }

    /// Deletes the oldest hour of everything until the pages in use fit `cap`.
    private func enforce(cap: Int64, report: inout MaintenanceReport, state: inout WriterState) throws {
        for _ in 0..<10_000 {
            let (used, oldest) = try pool.read { db in
                (try Self.usedBytes(db), try Int64.fetchOne(db, sql: "SELECT MIN(start_ms) FROM sample_block"))
            }
            guard used > cap, let oldest else { break }
            let cutoff = Self.floor(oldest, to: 3_600_000) + 3_600_000
            try pool.write { db in try self.delete(before: cutoff, in: db, report: &report) }
        }
    }

    /// Drops the cached ids of containers the retention deleted, so a container that comes
    /// back gets a new row.
    private func forgetDeletedContainers(state: inout WriterState) throws {
        let remaining = try pool.read { db in Set(try Int64.fetchAll(db, sql: "SELECT id FROM container")) }
        for (key, id) in state.containerIDs where !remaining.contains(id) {
            state.containerIDs[key] = nil
            state.descriptions[id] = nil
        }
    }

    static func usedBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }
}
