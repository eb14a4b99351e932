#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport

/// The on-disk form of a run of samples of one container: column per metric, each column
/// delta or delta-of-delta coded (whichever is shorter), divided by the greatest common
/// divisor of its steps (memory moves in pages, ticks in whole units), zigzag varints, the
/// whole deflated.
///
/// Lossless for every Int64, resets and wrap-arounds included: differences are taken modulo
/// 2^64 and added back the same way. A missing value costs one bit in the column's presence map.
///
/// Layout, before deflate: count; first time, first step, then step changes (ms, signed);
/// column count; per column: metric number, byte length, flags (bit 0 presence map follows,
/// bit 1 delta-of-delta), the map, first value, divisor, then the scaled steps. The stored blob
/// is a format byte, a compression byte (0 stored, 1 raw deflate), the body's length, the body.
enum SampleBlockCodec {
    static let formatVersion: UInt8 = 1
    private static let storedRaw: UInt8 = 0
    private static let deflated: UInt8 = 1
    /// Refuses bodies that claim more than this (a corrupt length must not allocate gigabytes).
    static let maximumBodyBytes = 64 << 20

    // MARK: Blocks

    /// The stored blob for `samples`, which must be in time order.
    static func encodeBlock(_ samples: [RecordedSample], compressionLevel: Int32 = 6) -> [UInt8] {
        let body = encodeBody(samples)
        var blob = ByteWriter(capacity: body.count / 2 + 8)
        blob.writeByte(formatVersion)
        if compressionLevel > 0, let packed = deflate(body, level: compressionLevel), packed.count < body.count {
            blob.writeByte(deflated)
            blob.writeVarint(UInt64(body.count))
            blob.write(contentsOf: packed)
        } else {
            blob.writeByte(storedRaw)
            blob.writeVarint(UInt64(body.count))
            blob.write(contentsOf: body)
        }
        return blob.bytes
    }

    /// The samples of a stored blob; with `metrics`, only those columns are decoded (the
    /// others are skipped by their length) and samples keep their times even when empty.
    static func decodeBlock(
        _ blob: [UInt8], metrics: Set<RecordedMetric>? = nil
    ) throws(SampleBlockError) -> [RecordedSample] {
        var reader = ByteReader(blob)
        let version = try reader.readByte()
        guard version == formatVersion else { throw .unknownFormat(version) }
        let compression = try reader.readByte()
        let bodyLength = try reader.readVarint()
        guard bodyLength <= UInt64(maximumBodyBytes) else { throw .corrupt(offset: 2, "body of \(bodyLength) bytes") }
        let rest = Array(blob[reader.offset...])
        let body: [UInt8]
        switch compression {
        case storedRaw:
            guard rest.count == Int(bodyLength) else { throw .truncated(offset: blob.count) }
            body = rest
        case deflated:
            body = try inflate(rest, length: Int(bodyLength))
        default:
            throw .corrupt(offset: 1, "compression \(compression)")
        }
        return try decodeBody(body, metrics: metrics)
    }

    static func encodeBody(_ samples: [RecordedSample]) -> [UInt8] {
        var writer = ByteWriter(capacity: 64 + samples.count * 48)
        let count = samples.count
        writer.writeVarint(UInt64(count))
        var previousTime: Int64 = 0, previousStep: Int64 = 0
        for (index, sample) in samples.enumerated() {
            let time = sample.unixMilliseconds
            switch index {
            case 0: writer.writeSignedVarint(time)
            case 1: previousStep = time &- previousTime; writer.writeSignedVarint(previousStep)
            default:
                let step = time &- previousTime
                writer.writeSignedVarint(step &- previousStep)
                previousStep = step
            }
            previousTime = time
        }
        // Columns in metric order, so equal inputs give equal bytes.
        var seen = MetricSet()
        var metrics: [RecordedMetric] = []
        for sample in samples {
            for metric in sample.values.metrics where seen.insert(metric) { metrics.append(metric) }
        }
        metrics.sort()
        // Transposed in one pass: the column of each metric number, by a small table for the
        // catalog's numbers and a dictionary for the rest.
        var columnOfLow = [Int](repeating: -1, count: 256)
        var columnOfHigh: [UInt16: Int] = [:]
        for (column, metric) in metrics.enumerated() {
            if metric.rawValue < 256 {
                columnOfLow[Int(metric.rawValue)] = column
            } else {
                columnOfHigh[metric.rawValue] = column
            }
        }
        let presenceBytes = (count + 7) / 8
        var columns = [[Int64]](repeating: [], count: metrics.count)
        var presence = [[UInt8]](repeating: [UInt8](repeating: 0, count: presenceBytes), count: metrics.count)
        for column in columns.indices { columns[column].reserveCapacity(count) }
        for (row, sample) in samples.enumerated() {
            let mask = UInt8(1) << UInt8(row & 7)
            for (metric, value) in zip(sample.values.metrics, sample.values.integers) {
                let column =
                    metric.rawValue < 256 ? columnOfLow[Int(metric.rawValue)] : columnOfHigh[metric.rawValue] ?? -1
                guard column >= 0, presence[column][row >> 3] & mask == 0 else { continue }
                presence[column][row >> 3] |= mask
                columns[column].append(value)
            }
        }
        writer.writeVarint(UInt64(metrics.count))
        var encoded = ByteWriter(capacity: 2 * count + 16)
        for (column, metric) in metrics.enumerated() {
            encoded.bytes.removeAll(keepingCapacity: true)
            encodeColumn(
                columns[column], presence: columns[column].count == count ? nil : presence[column], into: &encoded)
            writer.writeVarint(UInt64(metric.rawValue))
            writer.writeVarint(UInt64(encoded.bytes.count))
            writer.write(contentsOf: encoded.bytes)
        }
        return writer.bytes
    }

    private static func encodeColumn(_ values: [Int64], presence: [UInt8]?, into column: inout ByteWriter) {
        var deltas: [Int64] = []
        var deltaChanges: [Int64] = []
        if values.count > 1 {
            deltas.reserveCapacity(values.count - 1)
            for index in 1..<values.count { deltas.append(values[index] &- values[index - 1]) }
            deltaChanges.reserveCapacity(deltas.count)
            deltaChanges.append(deltas[0])
            for index in 1..<deltas.count { deltaChanges.append(deltas[index] &- deltas[index - 1]) }
        }
        let (deltaDivisor, deltaBytes) = scaledLength(deltas)
        let (changeDivisor, changeBytes) = scaledLength(deltaChanges)
        let useChanges = changeBytes < deltaBytes
        column.writeByte((presence == nil ? 0 : 1) | (useChanges ? 2 : 0))
        if let presence { column.write(contentsOf: presence) }
        guard let first = values.first else { return }
        column.writeSignedVarint(first)
        guard values.count > 1 else { return }
        let steps = useChanges ? deltaChanges : deltas
        let divisor = useChanges ? changeDivisor : deltaDivisor
        column.writeVarint(divisor)
        guard divisor != 0 else { return }
        let signedDivisor = Int64(bitPattern: divisor)
        for step in steps { column.writeSignedVarint(divisor == 1 ? step : step / signedDivisor) }
    }

    /// The greatest common divisor of the steps' magnitudes (0 when all are 0) and the bytes the
    /// steps take once divided by it.
    private static func scaledLength(_ steps: [Int64]) -> (divisor: UInt64, bytes: Int) {
        var divisor: UInt64 = 0
        for step in steps where step != 0 {
            divisor = greatestCommonDivisor(divisor, step.magnitude)
            if divisor == 1 { break }
        }
        guard divisor != 0 else { return (0, ZigZag.varintLength(0)) }
        let signedDivisor = Int64(bitPattern: divisor)
        var bytes = ZigZag.varintLength(divisor)
        for step in steps { bytes += ZigZag.varintLength(ZigZag.encode(divisor == 1 ? step : step / signedDivisor)) }
        return (divisor, bytes)
    }

    private static func greatestCommonDivisor(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    static func decodeBody(
        _ body: [UInt8], metrics wanted: Set<RecordedMetric>?
    ) throws(SampleBlockError) -> [RecordedSample] {
        var reader = ByteReader(body)
        let countValue = try reader.readVarint()
        // Each sample needs at least one byte of time: a larger count is corruption.
        guard countValue <= UInt64(body.count) else {
            throw .corrupt(offset: 0, "\(countValue) samples in \(body.count) bytes")
        }
        let count = Int(countValue)
        var samples: [RecordedSample] = []
        samples.reserveCapacity(count)
        var time: Int64 = 0, step: Int64 = 0
        for index in 0..<count {
            switch index {
            case 0: time = try reader.readSignedVarint()
            case 1: step = try reader.readSignedVarint(); time = time &+ step
            default: step = step &+ (try reader.readSignedVarint()); time = time &+ step
            }
            samples.append(RecordedSample(unixMilliseconds: time, values: RecordedValues()))
        }
        let columnCount = try reader.readVarint()
        guard columnCount <= UInt64(body.count) else { throw .corrupt(offset: reader.offset, "\(columnCount) columns") }
        var seen = MetricSet()
        for _ in 0..<columnCount {
            let rawMetric = try reader.readVarint()
            guard rawMetric <= UInt64(UInt16.max) else {
                throw .corrupt(offset: reader.offset, "metric number \(rawMetric)")
            }
            let metric = RecordedMetric(rawValue: UInt16(rawMetric))
            // Values are appended without a lookup: a metric may have only one column.
            guard seen.insert(metric) else { throw .corrupt(offset: reader.offset, "two columns for \(metric)") }
            let lengthValue = try reader.readVarint()
            guard lengthValue <= UInt64(body.count - reader.offset) else { throw .truncated(offset: reader.offset) }
            let length = Int(lengthValue)
            if let wanted, !wanted.contains(metric) {
                try reader.skip(length)
                continue
            }
            let end = reader.offset + length
            try decodeColumn(&reader, metric: metric, into: &samples)
            guard reader.offset == end else { throw .corrupt(offset: reader.offset, "column \(metric) length") }
        }
        return samples
    }

    private static func decodeColumn(
        _ reader: inout ByteReader, metric: RecordedMetric, into samples: inout [RecordedSample]
    ) throws(SampleBlockError) {
        let flags = try reader.readByte()
        guard flags & ~3 == 0 else { throw .corrupt(offset: reader.offset - 1, "column flags \(flags)") }
        var rows: [Int] = []
        rows.reserveCapacity(samples.count)
        if flags & 1 != 0 {
            for byteIndex in 0..<((samples.count + 7) / 8) {
                let byte = try reader.readByte()
                for bit in 0..<8 where byte & (1 << UInt8(bit)) != 0 {
                    let row = byteIndex * 8 + bit
                    guard row < samples.count else {
                        throw .corrupt(offset: reader.offset - 1, "presence beyond the samples")
                    }
                    rows.append(row)
                }
            }
        } else {
            rows.append(contentsOf: samples.indices)
        }
        guard let firstRow = rows.first else { return }
        var value = try reader.readSignedVarint()
        samples[firstRow].values.appendUnchecked(metric, value)
        guard rows.count > 1 else { return }
        let divisor = try reader.readVarint()
        let signedDivisor = Int64(bitPattern: divisor)
        let usesChanges = flags & 2 != 0
        var delta: Int64 = 0
        for row in rows.dropFirst() {
            let scaled = divisor == 0 ? 0 : try reader.readSignedVarint()
            let step = divisor <= 1 ? scaled : scaled &* signedDivisor
            if usesChanges { delta = delta &+ step } else { delta = step }
            value = value &+ delta
            samples[row].values.appendUnchecked(metric, value)
        }
    }

    // MARK: zlib

    private static func deflate(_ input: [UInt8], level: Int32) -> [UInt8]? {
        var output: UnsafeMutablePointer<UInt8>?
        var outputLength = 0
        let status = input.withUnsafeBufferPointer {
            periscope_deflate_raw($0.baseAddress, $0.count, level, &output, &outputLength)
        }
        guard status == 0, let output else { return nil }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: outputLength))
    }

    private static func inflate(_ input: [UInt8], length: Int) throws(SampleBlockError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer {
                periscope_inflate_raw(source.baseAddress, source.count, $0.baseAddress, length)
            }
        }
        guard status == 0 else { throw .inflateFailed(status) }
        return output
    }
}
