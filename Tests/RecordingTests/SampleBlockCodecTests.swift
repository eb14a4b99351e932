import Testing
@testable import Recording

@Suite struct SampleBlockCodecTests {
    private func sample(_ time: Int64, _ pairs: [(RecordedMetric, Int64)]) -> RecordedSample {
        RecordedSample(unixMilliseconds: time, values: RecordedValues(pairs))
    }

    private func roundTrip(_ samples: [RecordedSample], level: Int32 = 6) throws -> [RecordedSample] {
        try SampleBlockCodec.decodeBlock(SampleBlockCodec.encodeBlock(samples, compressionLevel: level))
    }

    @Test func steadyCountersRoundTripAndPackSmall() throws {
        var samples: [RecordedSample] = []
        for index in Int64(0)..<60 {
            let time: Int64 = 1_700_000_000_000 + index * 1000 + index % 3
            let cpu: Int64 = 5_000_000 + index * 250_000 + (index * 7919) % 1000
            let memory: Int64 = (64 << 20) + (index % 5) * 4096
            samples.append(sample(time, [(.cpuUsageMicroseconds, cpu), (.memoryWorkingSetBytes, memory), (.pids, 3)]))
        }
        let blob = SampleBlockCodec.encodeBlock(samples)
        #expect(try SampleBlockCodec.decodeBlock(blob) == samples)
        // Three metrics over 60 samples: far below 64 bytes per sample.
        #expect(blob.count < 60 * 8)
    }

    @Test func counterResetsAndWrapsAreLossless() throws {
        let values: [Int64] = [100, 200, 300, 5, 10, Int64.max, Int64.min, 0, -1, Int64.max, 7]
        let samples = values.enumerated().map { sample(Int64($0.offset) * 1000, [(.cpuUsageMicroseconds, $0.element)]) }
        #expect(try roundTrip(samples) == samples)
        #expect(try roundTrip(samples, level: 0) == samples)
    }

    @Test func gapsAndIrregularTimesAreKept() throws {
        let times: [Int64] = [0, 1000, 2003, 2999, 60_000, 60_001, 3_600_000, -5, Int64.max / 2]
        let samples = times.map { sample($0, [(.pids, $0 % 97)]) }
        #expect(try roundTrip(samples) == samples)
    }

    @Test func missingValuesStayMissing() throws {
        var samples = (0..<20).map { sample(Int64($0) * 1000, [(.cpuUsageMicroseconds, Int64($0) * 10)]) }
        samples[3].values[.cpuUsageMicroseconds] = nil
        samples[4].values[.memoryUsageBytes] = 4096
        samples[19].values[.memoryUsageBytes] = 8192
        samples[7].values = RecordedValues()
        let decoded = try roundTrip(samples)
        #expect(decoded == samples)
        #expect(decoded[3].values[.cpuUsageMicroseconds] == nil)
        #expect(decoded[7].values.isEmpty)
        #expect(decoded[5].values[.memoryUsageBytes] == nil)
    }

    @Test func nanAndInfinityAreStoredAsMissing() throws {
        var values = RecordedValues()
        values.set(.loadAverage1Milli, Double.nan, scale: 1000)
        values.set(.loadAverage5Milli, Double.infinity, scale: 1000)
        values.set(.loadAverage15Milli, 1.25, scale: 1000)
        values.set(.memoryLimitBytes, UInt64.max)
        #expect(values[.loadAverage1Milli] == nil)
        #expect(values[.loadAverage5Milli] == nil)
        #expect(values[.loadAverage15Milli] == 1250)
        #expect(values[.memoryLimitBytes] == nil)
        let decoded = try roundTrip([RecordedSample(unixMilliseconds: 1, values: values)])
        #expect(decoded[0].values == values)
    }

    @Test func unknownMetricNumbersSurvive() throws {
        let future = RecordedMetric(rawValue: 9_999)
        let samples = [
            sample(0, [(future, 42)]), sample(1000, [(future, 43), (RecordedMetric.memoryWorkingSetBytes.peak, 7)])
        ]
        #expect(try roundTrip(samples) == samples)
        #expect(future.name == "metric9999")
        #expect(RecordedMetric(name: "memoryWorkingSetBytes.peak") == RecordedMetric.memoryWorkingSetBytes.peak)
    }

    @Test func selectedColumnsOnly() throws {
        let samples = (0..<10).map {
            sample(Int64($0) * 1000, [(.cpuUsageMicroseconds, Int64($0)), (.pids, 4), (.memoryUsageBytes, 1 << 20)])
        }
        let decoded = try SampleBlockCodec.decodeBlock(SampleBlockCodec.encodeBlock(samples), metrics: [.pids])
        #expect(decoded.map(\.unixMilliseconds) == samples.map(\.unixMilliseconds))
        #expect(decoded.allSatisfy { $0.values == RecordedValues([(.pids, 4)]) })
    }

    @Test func randomSeriesRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 1...70, using: &generator)
            var time = Int64.random(in: 0...2_000_000_000_000, using: &generator)
            var samples: [RecordedSample] = []
            for _ in 0..<count {
                time += Int64.random(in: -10...5000, using: &generator)
                var values = RecordedValues()
                for metric in [RecordedMetric.cpuUsageMicroseconds, .memoryUsageBytes, .networkReceivedBytes]
                where Bool.random(using: &generator) {
                    values[metric] =
                        Bool.random()
                        ? Int64.random(in: -1000...1000, using: &generator)
                        : Int64.random(in: .min ... .max, using: &generator)
                }
                samples.append(RecordedSample(unixMilliseconds: time, values: values))
            }
            #expect(try roundTrip(samples) == samples)
        }
    }

    @Test func damagedBlobsAreRefusedNotCrashed() throws {
        let samples = (0..<60).map {
            sample(Int64($0) * 1000, [(.cpuUsageMicroseconds, Int64($0) * 12_345), (.pids, Int64($0 % 4))])
        }
        let blob = SampleBlockCodec.encodeBlock(samples)
        for length in 0..<blob.count {
            #expect(throws: SampleBlockError.self) { try SampleBlockCodec.decodeBlock(Array(blob.prefix(length))) }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var damaged = blob
            damaged[Int.random(in: 0..<damaged.count, using: &generator)] ^= UInt8.random(
                in: 1...255, using: &generator)
            // Either a clean error or some samples: never a trap.
            _ = try? SampleBlockCodec.decodeBlock(damaged)
            _ = try? SampleBlockCodec.decodeBody(damaged, metrics: nil)
        }
        #expect(throws: SampleBlockError.unknownFormat(9)) { try SampleBlockCodec.decodeBlock([9, 0, 0]) }
    }
}
