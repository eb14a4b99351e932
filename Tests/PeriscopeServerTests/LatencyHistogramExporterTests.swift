import Foundation
@testable import PeriscopeServer
import Recording
import Testing
import TestSupport

/// The `--bpf` histograms on /metrics from hand-made batches: log2 slots as cumulative
/// buckets with `le` in seconds, `_sum` and `_count`, counts that only grow, a container that
/// is gone no longer exported, and an exposition promtool accepts.
@Suite struct LatencyHistogramExporterTests {
    static let webKey = RecordedContainerKey("docker:0123456789abcdef")
    static let dbKey = RecordedContainerKey("docker:fedcba9876543210")

    /// A batch whose containers carry run-queue (and, for `db`, block I/O) histograms.
    static func batch(
        at seconds: Int64, web: [Int: UInt64]?, webTotalMicroseconds: UInt64, db: [Int: UInt64]? = nil
    ) -> RecordingBatch {
        func values(_ slots: [Int: UInt64], total: UInt64, kinds: [RecordedLatencyHistogram.Kind]) -> RecordedValues {
            var values = RecordedValues([(.cpuUsageMicroseconds, 1_000_000)])
            var array = [UInt64](repeating: 0, count: RecordedMetric.latencySlotCount)
            for (slot, count) in slots { array[slot] = count }
            for kind in kinds {
                RecordedLatencyHistogram(slots: array, totalMicroseconds: total).write(kind, into: &values)
            }
            return values
        }
        var samples: [RecordingBatch.Entry] = [
            .init(container: .host, unixMilliseconds: seconds * 1000, values: RecordedValues([(.hostCPUCount, 2)]))
        ]
        if let web {
            samples.append(
                .init(
                    container: webKey, unixMilliseconds: seconds * 1000,
                    values: values(web, total: webTotalMicroseconds, kinds: [.runQueue])))
        }
        if let db {
            samples.append(
                .init(
                    container: dbKey, unixMilliseconds: seconds * 1000,
                    values: values(db, total: 2_500, kinds: [.runQueue, .blockIO])))
        }
        return RecordingBatch(unixMilliseconds: seconds * 1000, samples: samples)
    }

    static let labels: [String: ContainerLabels] = [
        webKey.rawValue: ContainerLabels(
            key: webKey.rawValue, id: "/docker/0123456789abcdef", name: "web", image: "periscope-test:latest"),
        dbKey.rawValue: ContainerLabels(
            key: dbKey.rawValue, id: "/docker/fedcba9876543210", name: "d\"b\\x", image: "")
    ]

    static let webLabels = #"id="/docker/0123456789abcdef",name="web",image="periscope-test:latest""#

    /// The value of the series `name{labels}`.
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func log2SlotsBecomeCumulativeBucketsInSeconds() throws {
        let exporter = LatencyHistogramExporter()
        // Slot 0: below 1 µs; slot 4: [8, 16) µs; slot 11: [1024, 2048) µs.
        exporter.update(Self.batch(at: 1, web: [0: 3, 4: 5, 11: 2], webTotalMicroseconds: 3_100), labels: Self.labels)
        let text = String(decoding: exporter.render(), as: UTF8.self)
        let name = "periscope_runqueue_latency_seconds"
        #expect(text.contains("# TYPE \(name) histogram\n"))
        #expect(text.contains("# HELP \(name) Run-queue latency"))
        let labels = Self.webLabels
        #expect(Self.value(text, "\(name)_bucket{\(labels),le=\"1e-06\"}") == 3)
        #expect(Self.value(text, "\(name)_bucket{\(labels),le=\"8e-06\"}") == 3)
        #expect(Self.value(text, "\(name)_bucket{\(labels),le=\"1.6e-05\"}") == 8)
        #expect(Self.value(text, "\(name)_bucket{\(labels),le=\"0.001024\"}") == 8)
        #expect(Self.value(text, "\(name)_bucket{\(labels),le=\"0.002048\"}") == 10)
        #expect(Self.value(text, "\(name)_bucket{\(labels),le=\"16.777216\"}") == 10)
        #expect(Self.value(text, "\(name)_bucket{\(labels),le=\"+Inf\"}") == 10)
        #expect(Self.value(text, "\(name)_count{\(labels)}") == 10)
        #expect(Self.value(text, "\(name)_sum{\(labels)}") == 0.0031)
        // 25 finite buckets and +Inf, each once, and no block I/O family without any histogram.
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("\(name)_bucket{\(labels),") }.count == 26)
        #expect(!text.contains("periscope_block_io_latency_seconds"))
        // The bounds are powers of two microseconds, increasing.
        let bounds = LatencyHistogramExporter.bucketBounds.compactMap(Double.init)
        #expect(bounds.count == LatencyHistogramExporter.finiteBucketCount)
        #expect(zip(bounds, bounds.dropFirst()).allSatisfy { abs($1 / $0 - 2) < 1e-9 })
        #expect(bounds.first == 1e-6)
    }

    @Test func slotsAboveTheLastBoundCountOnlyInInfinity() throws {
        let exporter = LatencyHistogramExporter()
        exporter.update(Self.batch(at: 1, web: [2: 1, 30: 4], webTotalMicroseconds: 9), labels: Self.labels)
        let text = String(decoding: exporter.render(), as: UTF8.self)
        let name = "periscope_runqueue_latency_seconds"
        #expect(Self.value(text, "\(name)_bucket{\(Self.webLabels),le=\"16.777216\"}") == 1)
        #expect(Self.value(text, "\(name)_bucket{\(Self.webLabels),le=\"+Inf\"}") == 5)
    }

    @Test func aContainerThatIsGoneIsNoLongerExported() throws {
        let exporter = LatencyHistogramExporter()
        exporter.update(Self.batch(at: 1, web: [3: 1], webTotalMicroseconds: 5, db: [9: 2]), labels: Self.labels)
        var text = String(decoding: exporter.render(), as: UTF8.self)
        #expect(text.contains("name=\"web\""))
        // Label values are escaped: d"b\x.
        #expect(
            text.contains(
                #"periscope_block_io_latency_seconds_count{id="/docker/fedcba9876543210",name="d\"b\\x",image=""} 2"#))
        exporter.update(Self.batch(at: 2, web: nil, webTotalMicroseconds: 0, db: [9: 3]), labels: Self.labels)
        text = String(decoding: exporter.render(), as: UTF8.self)
        #expect(!text.contains("name=\"web\""))
        #expect(text.contains("periscope_runqueue_latency_seconds_count{id=\"/docker/fedcba9876543210\""))
        exporter.update(Self.batch(at: 3, web: nil, webTotalMicroseconds: 0), labels: Self.labels)
        #expect(exporter.render().isEmpty)
    }

    @Test func countsOnlyGrowAcrossScrapes() async throws {
        let agent = AgentState()
        agent.publish(Self.batch(at: 1, web: [4: 5], webTotalMicroseconds: 60), facts: nil)
        let first = try await MetricsRoutesTests.scrape(agent)
        agent.publish(Self.batch(at: 2, web: [4: 7, 12: 1], webTotalMicroseconds: 2_200), facts: nil)
        let second = try await MetricsRoutesTests.scrape(agent)
        // Without runtime facts the agent labels a container by its key.
        let labels = #"id="docker:0123456789abcdef",name="docker:0123456789abcdef",image="""#
        let name = "periscope_runqueue_latency_seconds"
        for bound in LatencyHistogramExporter.bucketBounds + ["+Inf"] {
            let series = "\(name)_bucket{\(labels),le=\"\(bound)\"}"
            let before = try #require(Self.value(first, series), "\(series) in \(first.suffix(3000))")
            let after = try #require(Self.value(second, series))
            #expect(after >= before, "\(series): \(before) then \(after)")
        }
        #expect(Self.value(second, "\(name)_count{\(labels)}") == 8)
        #expect(Self.value(second, "\(name)_sum{\(labels)}") == 0.0022)
        // The registry's families are still there, before the histograms.
        #expect(second.contains("container_cpu_usage_seconds_total{"))
    }

    @Test(
        "promtool check metrics accepts /metrics with the histograms",
        .installed(if: Self.promtoolInstalled, "needs Debian's prometheus (promtool): run scripts/test-setup.sh"))
    func promtoolAcceptsTheHistograms() async throws {
        let agent = AgentState()
        agent.publish(Self.batch(at: 1, web: [0: 1, 4: 5, 11: 2], webTotalMicroseconds: 3_100, db: [9: 2]), facts: nil)
        let text = try await MetricsRoutesTests.scrape(agent)
        let path = NSTemporaryDirectory() + "periscope-latency-histograms-\(getpid()).txt"
        defer { unlink(path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try ChildProcess.run(["/bin/sh", "-c", "promtool check metrics < \(path) 2>&1"])
        #expect(result.status == 0, "promtool: \(result.standardOutput)")
        #expect(result.standardOutput.isEmpty, "promtool: \(result.standardOutput)")
    }

    static let promtoolInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")
}

extension LatencyHistogramExporterTests {
    @Test(arguments: [0, 7, 10, 99, 1_000, 123_456_789, UInt64.max])
    func decimalDigitsAreWrittenAsBytes(value: UInt64) {
        var bytes: [UInt8] = Array("x".utf8)
        LatencyHistogramExporter.appendDecimal(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x\(value)")
    }
}
