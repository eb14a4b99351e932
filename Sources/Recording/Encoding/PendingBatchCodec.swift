/// One batch's samples as a single row, until their block period closes: per entry the
/// container's row id, its time as an offset from the batch's, and its values as
/// `(metric number, value)` varint pairs. One row per batch keeps the per-second cost of
/// SQLite to one insert, whatever the number of containers.
enum PendingBatchCodec {
    struct Entry: Equatable {
        var containerID: Int64
        var unixMilliseconds: Int64
        var values: RecordedValues
    }

    static func encode(_ entries: [Entry], batchTime: Int64) -> [UInt8] {
        var writer = ByteWriter(capacity: 8 + entries.count * 96)
        writer.writeVarint(UInt64(entries.count))
        for entry in entries {
            writer.writeSignedVarint(entry.containerID)
            writer.writeSignedVarint(entry.unixMilliseconds &- batchTime)
            writer.writeVarint(UInt64(entry.values.count))
            for (metric, value) in zip(entry.values.metrics, entry.values.integers) {
                writer.writeVarint(UInt64(metric.rawValue))
                writer.writeSignedVarint(value)
            }
        }
        return writer.bytes
    }

    /// The entries, or with `containerID` only that container's (the others are skipped).
    static func decode(
        _ bytes: [UInt8], batchTime: Int64, containerID wanted: Int64? = nil
    ) throws(SampleBlockError) -> [Entry] {
        var reader = ByteReader(bytes)
        let count = try reader.readVarint()
        guard count <= UInt64(bytes.count) else {
            throw .corrupt(offset: 0, "\(count) entries in \(bytes.count) bytes")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(wanted == nil ? Int(count) : 1)
        for _ in 0..<count {
            let id = try reader.readSignedVarint()
            let time = batchTime &+ (try reader.readSignedVarint())
            let valueCount = try reader.readVarint()
            guard valueCount <= UInt64(bytes.count) else {
                throw .corrupt(offset: reader.offset, "\(valueCount) values")
            }
            var values = RecordedValues()
            var seen = MetricSet()
            for _ in 0..<valueCount {
                let rawMetric = try reader.readVarint()
                guard rawMetric <= UInt64(UInt16.max) else {
                    throw .corrupt(offset: reader.offset, "metric number \(rawMetric)")
                }
                let value = try reader.readSignedVarint()
                let metric = RecordedMetric(rawValue: UInt16(rawMetric))
                guard seen.insert(metric) else {
                    throw .corrupt(offset: reader.offset, "metric \(metric) twice in one sample")
                }
                if wanted == nil || wanted == id { values.appendUnchecked(metric, value) }
            }
            if wanted == nil || wanted == id {
                entries.append(Entry(containerID: id, unixMilliseconds: time, values: values))
            }
        }
        return entries
    }
}
