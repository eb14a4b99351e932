import Foundation
import GRDB

extension RecordingStore {
    /// Which stored points a range query returns.
    public enum Resolution: Sendable, Equatable {
        /// Samples as recorded where they are still kept, roll-ups before that.
        case finest
        /// Only rolled-up points (one per roll-up period), for long ranges.
        case rolledUp
    }

    /// The samples of `container` with `from <= time <= to` (ms since 1970), oldest first.
    /// With `metrics`, samples carry only those (and still appear when they have none of them,
    /// so gaps stay visible); peaks (`metric.peak`) exist only in rolled-up points.
    public func samples(
        of container: RecordedContainerKey, from: Int64, to: Int64, metrics: [RecordedMetric]? = nil,
        resolution: Resolution = .finest
    ) throws(RecordingError) -> [RecordedSample] {
        try reading { db in
            guard
                let id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM container WHERE key = ?", arguments: [container.rawValue])
            else { return [] }
            return try self.collectSamples(
                of: id, from: from, to: to, wanted: metrics.map(Set.init), resolution: resolution, db: db)[id] ?? []
        }
    }

    /// The samples of every container and the host with `from <= time <= to` (ms since 1970),
    /// oldest first, by container; containers without a sample in the range are absent. The
    /// same points as `samples(of:)` for each, read in one pass: each block and each pending
    /// batch is decoded once, not once per container (a replayed window of 100 containers).
    public func samplesByContainer(
        from: Int64, to: Int64, resolution: Resolution = .finest
    ) throws(RecordingError) -> [RecordedContainerKey: [RecordedSample]] {
        try reading { db in
            var keys: [Int64: RecordedContainerKey] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, key FROM container") {
                keys[row[0]] = RecordedContainerKey(row[1] as String)
            }
            var byKey: [RecordedContainerKey: [RecordedSample]] = [:]
            for (id, samples) in try self.collectSamples(
                of: nil, from: from, to: to, wanted: nil, resolution: resolution, db: db)
            where !samples.isEmpty {
                guard let key = keys[id] else { continue }
                byKey[key] = samples
            }
            return byKey
        }
    }

    /// The samples of container `only` (nil: every container) by container row id: roll-ups
    /// where the samples as recorded are gone, the closed blocks, then the pending batches.
    private func collectSamples(
        of only: Int64?, from: Int64, to: Int64, wanted: Set<RecordedMetric>?, resolution: Resolution,
        db: Database
    ) throws -> [Int64: [RecordedSample]] {
        let rollup = try blocks(
            container: only, resolution: configuration.rollupResolutionMilliseconds, from: from, to: to,
            span: configuration.rollupBlockSpanMilliseconds, wanted: wanted, db: db)
        if resolution == .rolledUp { return rollup }
        var raw = try blocks(
            container: only, resolution: 0, from: from, to: to, span: configuration.blockSpanMilliseconds,
            wanted: wanted, db: db)
        for row in try Row.fetchAll(
            db, sql: "SELECT time_ms, data FROM pending_batch WHERE time_ms BETWEEN ? AND ? ORDER BY time_ms, id",
            arguments: [
                from.subtractingSaturated(configuration.blockSpanMilliseconds),
                to.addingSaturated(configuration.blockSpanMilliseconds)
            ])
        {
            for entry in try PendingBatchCodec.decode([UInt8](row[1] as Data), batchTime: row[0], containerID: only)
            where entry.unixMilliseconds >= from && entry.unixMilliseconds <= to {
                raw[entry.containerID, default: []].append(
                    RecordedSample(
                        unixMilliseconds: entry.unixMilliseconds,
                        values: wanted.map { entry.values.keeping($0) } ?? entry.values))
            }
        }
        // Roll-ups fill only what is older than the oldest sample still kept as recorded.
        let pendingStart =
            try Int64.fetchOne(db, sql: "SELECT min(time_ms) FROM pending_batch")?.subtractingSaturated(
                configuration.blockSpanMilliseconds) ?? Int64.max
        var rawStarts: [Int64: Int64] = [:]
        let startsSQL = "SELECT container, min(start_ms) FROM sample_block WHERE resolution_ms = 0"
        let startRows =
            try only.map {
                try Row.fetchAll(db, sql: startsSQL + " AND container = ? GROUP BY container", arguments: [$0])
            } ?? Row.fetchAll(db, sql: startsSQL + " GROUP BY container")
        for row in startRows { rawStarts[row[0]] = row[1] }
        var byContainer: [Int64: [RecordedSample]] = [:]
        for id in Set(raw.keys).union(rollup.keys) {
            var samples = raw[id] ?? []
            samples.sort { $0.unixMilliseconds < $1.unixMilliseconds }
            let rawStart = min(rawStarts[id] ?? Int64.max, pendingStart)
            let older = (rollup[id] ?? []).filter { $0.unixMilliseconds < rawStart }
            byContainer[id] = older.isEmpty ? samples : older + samples
        }
        return byContainer
    }

    private func blocks(
        container only: Int64?, resolution: Int64, from: Int64, to: Int64, span: Int64,
        wanted: Set<RecordedMetric>?, db: Database
    ) throws -> [Int64: [RecordedSample]] {
        var samples: [Int64: [RecordedSample]] = [:]
        // start_ms bounds use the index; a block starts at most one span before its first sample.
        let rows: [Row]
        if let only {
            rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT container, start_ms, data FROM sample_block WHERE container = ? AND resolution_ms = ? AND start_ms BETWEEN ? AND ? AND end_ms >= ?
                    ORDER BY start_ms
                    """, arguments: [only, resolution, from.subtractingSaturated(span), to, from])
        } else {
            rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT container, start_ms, data FROM sample_block WHERE resolution_ms = ? AND end_ms >= ? AND start_ms BETWEEN ? AND ?
                    ORDER BY container, start_ms
                    """, arguments: [resolution, from, from.subtractingSaturated(span), to])
        }
        for row in rows {
            let id: Int64 = row[0]
            let start: Int64 = row[1]
            let data: Data = row[2]
            let decoded: [RecordedSample]
            do {
                decoded = try SampleBlockCodec.decodeBlock([UInt8](data), metrics: wanted)
            } catch {
                let key = try String.fetchOne(db, sql: "SELECT key FROM container WHERE id = ?", arguments: [id]) ?? "?"
                throw RecordingError.corruptBlock(path: path, container: key, startUnixMilliseconds: start, error)
            }
            samples[id, default: []].append(
                contentsOf: decoded.lazy.filter { $0.unixMilliseconds >= from && $0.unixMilliseconds <= to })
        }
        return samples
    }

    /// Containers seen at some time in `from...to` (ms since 1970), the host included,
    /// ordered by first sight. With `matching`, only those whose key, id (or a unique-looking
    /// prefix of at least 4 characters), current name or any earlier name equals it: a
    /// container long gone is still found by the name it had.
    public func containers(
        from: Int64 = Int64.min, to: Int64 = Int64.max, matching query: String? = nil
    ) throws(RecordingError) -> [RecordedContainer] {
        try reading { db in
            // Last-seen times move at packing: the pending batches have the newest.
            var pendingLastSeen: [Int64: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT time_ms, data FROM pending_batch ORDER BY time_ms") {
                for entry in try PendingBatchCodec.decode([UInt8](row[1] as Data), batchTime: row[0]) {
                    pendingLastSeen[entry.containerID] = max(
                        pendingLastSeen[entry.containerID] ?? .min, entry.unixMilliseconds)
                }
            }
            var sql =
                "SELECT id, key, name, runtime, image, started_ms, stopped_ms, first_seen_ms, last_seen_ms FROM container c WHERE first_seen_ms <= ?"
            var arguments: StatementArguments = [to]
            if let query {
                sql += """
                     AND (key = ? OR name = ? OR substr(key, instr(key, ':') + 1) = ?
                          OR (length(?) >= 4 AND substr(key, instr(key, ':') + 1) LIKE ? ESCAPE '\\')
                          OR EXISTS (SELECT 1 FROM container_name n WHERE n.container = c.id AND n.name = ?))
                    """
                let escaped = query.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                    of: "%", with: "\\%"
                ).replacingOccurrences(of: "_", with: "\\_")
                arguments += [query, query, query, query, escaped + "%", query]
            }
            sql += " ORDER BY first_seen_ms, id"
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            var names: [Int64: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT container, name FROM container_name ORDER BY first_seen_ms") {
                names[row[0], default: []].append(row[1])
            }
            return rows.compactMap { row in
                let id: Int64 = row[0]
                let lastSeen = max(row[8] as Int64, pendingLastSeen[id] ?? .min)
                guard lastSeen >= from else { return nil }
                let name: String = row[2]
                var history = (names[id] ?? []).filter { $0 != name }
                history.append(name)
                return RecordedContainer(
                    key: RecordedContainerKey(row[1] as String), name: name, runtime: row[3], image: row[4],
                    startedAtUnixMilliseconds: row[5], stoppedAtUnixMilliseconds: row[6],
                    firstSeenUnixMilliseconds: row[7], lastSeenUnixMilliseconds: lastSeen, names: history)
            }
        }
    }

    /// Events with `from <= time <= to`, oldest first; optionally of one container or some kinds.
    public func events(
        from: Int64 = Int64.min, to: Int64 = Int64.max, container: RecordedContainerKey? = nil,
        kinds: [RecordedEvent.Kind]? = nil
    ) throws(RecordingError) -> [RecordedEvent] {
        try reading { db in
            var sql =
                "SELECT e.time_ms, e.kind, c.key, e.message, e.duration_us, e.attributes FROM event e LEFT JOIN container c ON c.id = e.container WHERE e.time_ms BETWEEN ? AND ?"
            var arguments: StatementArguments = [from, to]
            if let container { sql += " AND c.key = ?"; arguments += [container.rawValue] }
            if let kinds {
                sql += " AND e.kind IN (\(kinds.map { _ in "?" }.joined(separator: ",")))"
                arguments += StatementArguments(kinds.map(\.rawValue))
            }
            sql += " ORDER BY e.time_ms, e.id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let attributesText: String? = row[5]
                let attributes =
                    try attributesText.map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
                    ?? [:]
                return RecordedEvent(
                    unixMilliseconds: row[0], kind: RecordedEvent.Kind(rawValue: row[1]),
                    container: (row[2] as String?).map(RecordedContainerKey.init), message: row[3],
                    durationMicroseconds: row[4], attributes: attributes)
            }
        }
    }

    /// Findings with `from <= time <= to`, oldest first; optionally of one container.
    public func findings(
        from: Int64 = Int64.min, to: Int64 = Int64.max, container: RecordedContainerKey? = nil
    ) throws(RecordingError) -> [RecordedFinding] {
        try reading { db in
            var sql = """
                SELECT f.time_ms, f.window_start_ms, f.rule, f.severity, c.key, f.message, f.evidence
                FROM finding f LEFT JOIN container c ON c.id = f.container WHERE f.time_ms BETWEEN ? AND ?
                """
            var arguments: StatementArguments = [from, to]
            if let container { sql += " AND c.key = ?"; arguments += [container.rawValue] }
            sql += " ORDER BY f.time_ms, f.id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                RecordedFinding(
                    unixMilliseconds: row[0], windowStartUnixMilliseconds: row[1], ruleID: row[2], severity: row[3],
                    container: (row[4] as String?).map(RecordedContainerKey.init), message: row[5], evidenceJSON: row[6]
                )
            }
        }
    }

    /// The first and last sample time stored (ms since 1970), nil when there are none.
    public func sampleTimeRange() throws(RecordingError) -> ClosedRange<Int64>? {
        try reading { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT min(a), max(b) FROM (SELECT min(start_ms) AS a, max(end_ms) AS b FROM sample_block
                                                UNION ALL SELECT min(time_ms), max(time_ms) FROM pending_batch)
                    """)
            guard let row, let first = row[0] as Int64?, let last = row[1] as Int64? else { return nil }
            return first...last
        }
    }

    /// Sizes, for `periscope record --stats` and the performance notes.
    public struct StorageStatistics: Sendable, Equatable {
        /// Bytes of pages in use (the file may be larger by free pages and is joined by the WAL).
        public var usedBytes: Int64
        /// Samples stored, as recorded and rolled up, and still pending.
        public var rawSamples: Int64
        public var rolledUpSamples: Int64
        public var pendingSamples: Int64
        /// Bytes of the compressed blocks alone.
        public var blockBytes: Int64
        public var blocks: Int64
    }

    public func statistics() throws(RecordingError) -> StorageStatistics {
        try reading { db in
            let raw =
                try Int64.fetchOne(
                    db, sql: "SELECT coalesce(sum(sample_count), 0) FROM sample_block WHERE resolution_ms = 0") ?? 0
            let rolled =
                try Int64.fetchOne(
                    db, sql: "SELECT coalesce(sum(sample_count), 0) FROM sample_block WHERE resolution_ms != 0") ?? 0
            var pending: Int64 = 0
            for row in try Row.fetchAll(db, sql: "SELECT time_ms, data FROM pending_batch") {
                pending += Int64(try PendingBatchCodec.decode([UInt8](row[1] as Data), batchTime: row[0]).count)
            }
            let blockBytes = try Int64.fetchOne(db, sql: "SELECT coalesce(sum(length(data)), 0) FROM sample_block") ?? 0
            let blocks = try Int64.fetchOne(db, sql: "SELECT count(*) FROM sample_block") ?? 0
            return StorageStatistics(
                usedBytes: try Self.usedBytes(db), rawSamples: raw, rolledUpSamples: rolled, pendingSamples: pending,
                blockBytes: blockBytes, blocks: blocks)
        }
    }

    /// Runs a read in one snapshot, translating errors.
    func reading<T>(_ body: (Database) throws -> T) throws(RecordingError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.translate(error, path: path)
        }
    }
}

extension RecordedValues {
    /// Only the metrics in `wanted`.
    func keeping(_ wanted: Set<RecordedMetric>) -> RecordedValues {
        var kept = RecordedValues()
        for (metric, value) in zip(metrics, integers) where wanted.contains(metric) { kept[metric] = value }
        return kept
    }
}

extension Int64 {
    /// `self - other`, stopping at the ends of Int64 (ranges given as `.min ... .max`).
    func subtractingSaturated(_ other: Int64) -> Int64 {
        let (result, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other > 0 ? .min : .max) : result
    }

    func addingSaturated(_ other: Int64) -> Int64 {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : result
    }
}
