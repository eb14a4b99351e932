import Foundation
import Testing
@testable import Recording

@Suite struct RecordingStoreTests {
    let web = RecordedContainerKey(runtime: "docker", id: "3f2a9c0d1e2b4a5f")
    let database = RecordedContainerKey(runtime: "docker", id: "77aa00bb11cc22dd")
    let start: Int64 = 1_764_000_000_000  // a whole minute

    private func batch(at time: Int64, _ entries: [(RecordedContainerKey, [(RecordedMetric, Int64)])]) -> RecordingBatch
    {
        RecordingBatch(
            unixMilliseconds: time,
            samples: entries.map {
                RecordingBatch.Entry(container: $0.0, unixMilliseconds: time, values: RecordedValues($0.1))
            })
    }

    @Test func samplesRoundTripAcrossBlocksPendingAndReopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("r.db")
        var written: [RecordedSample] = []
        do {
            let store = try RecordingStore(path: path)
            for second in 0..<150 {
                let time = start + Int64(second) * 1000
                let pairs: [(RecordedMetric, Int64)] = [
                    (.cpuUsageMicroseconds, Int64(second) * 20_000), (.memoryWorkingSetBytes, 1 << 24)
                ]
                try store.append(batch(at: time, [(web, pairs), (.host, [(.hostCPUIdleTicks, Int64(second) * 200)])]))
                written.append(RecordedSample(unixMilliseconds: time, values: RecordedValues(pairs)))
            }
            #expect(try store.samples(of: web, from: start, to: start + 149_000) == written)
            let stats = try store.statistics()
            #expect(stats.rawSamples == 240)  // two closed minutes of two subjects
            #expect(stats.pendingSamples == 60)
        }
        let reopened = try RecordingStore(path: path, mode: .readOnly)
        #expect(try reopened.samples(of: web, from: start, to: start + 149_000) == written)
        #expect(
            try reopened.samples(of: web, from: start + 59_500, to: start + 61_000).map(\.unixMilliseconds) == [
                start + 60_000, start + 61_000
            ])
        let cpuOnly = try reopened.samples(of: web, from: start, to: start + 149_000, metrics: [.cpuUsageMicroseconds])
        #expect(cpuOnly.map { $0.values[.cpuUsageMicroseconds] } == written.map { $0.values[.cpuUsageMicroseconds] })
        #expect(cpuOnly.allSatisfy { $0.values.count == 1 })
        #expect(try reopened.sampleTimeRange() == start...(start + 149_000))
        #expect(throws: RecordingError.openedReadOnly(path: path)) { try reopened.append(batch(at: start, [])) }
    }

    @Test func writerReopenedWithinABlockMergesIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("r.db")
        for run in 0..<3 {
            let store = try RecordingStore(path: path)
            for second in 0..<30 {
                let time = start + Int64(run * 30 + second) * 1000
                try store.append(batch(at: time, [(web, [(.pids, Int64(run * 30 + second))])]))
            }
            if run == 1 { try store.flush() }
        }
        let store = try RecordingStore(path: path, mode: .readOnly)
        let samples = try store.samples(of: web, from: start, to: start + 90_000)
        #expect(samples.map { $0.values[.pids] } == (0..<90).map { Int64($0) })
    }

    @Test func containersOverTimeByNameOldNameAndIdPrefix() throws {
        let directory = try TemporaryDirectory()
        let store = try RecordingStore(path: directory.file("r.db"))
        var first = batch(at: start, [(web, [(.pids, 1)]), (database, [(.pids, 2)])])
        first.containers = [
            ContainerDescription(key: web, name: "web", image: "nginx:1.27", startedAtUnixMilliseconds: start - 500),
            ContainerDescription(key: database, name: "db")
        ]
        try store.append(first)
        var renamed = batch(at: start + 1000, [(web, [(.pids, 1)])])
        renamed.containers = [ContainerDescription(key: web, name: "frontend")]
        renamed.events = [
            RecordedEvent(
                unixMilliseconds: start + 1000, kind: .renamed, container: web, message: "web → frontend",
                attributes: ["oldName": "web"])
        ]
        try store.append(renamed)
        var stopped = batch(at: start + 5000, [(web, [(.pids, 1)])])
        stopped.containers = [ContainerDescription(key: database, name: "db", stoppedAtUnixMilliseconds: start + 2000)]
        try store.append(stopped)

        let all = try store.containers()
        #expect(all.map(\.key) == [web, database])
        let front = try #require(all.first)
        #expect(front.name == "frontend")
        #expect(front.names == ["web", "frontend"])
        #expect(front.image == "nginx:1.27")
        #expect(front.startedAtUnixMilliseconds == start - 500)
        #expect(front.firstSeenUnixMilliseconds == start)
        #expect(front.lastSeenUnixMilliseconds == start + 5000)
        #expect(all[1].stoppedAtUnixMilliseconds == start + 2000)
        #expect(all[1].lastSeenUnixMilliseconds == start + 2000)

        #expect(try store.containers(matching: "web").map(\.key) == [web])
        #expect(try store.containers(matching: "frontend").map(\.key) == [web])
        #expect(try store.containers(matching: "3f2a").map(\.key) == [web])
        #expect(try store.containers(matching: "3f2").isEmpty)  // too short to be an id prefix
        #expect(try store.containers(matching: "docker:77aa00bb11cc22dd").map(\.key) == [database])
        #expect(try store.containers(matching: "3f%").isEmpty)  // LIKE wildcards are literal
        // Only web was seen after the database stopped.
        #expect(try store.containers(from: start + 3000, to: start + 9000).map(\.key) == [web])
        let events = try store.events(from: start, to: start + 10_000, container: web)
        #expect(events.count == 1)
        #expect(events.first?.attributes == ["oldName": "web"])
        #expect(try store.events(kinds: [.started]).isEmpty)
    }

    @Test func eventsAndFindingsInARange() throws {
        let directory = try TemporaryDirectory()
        let store = try RecordingStore(path: directory.file("r.db"))
        var first = batch(at: start, [])
        first.events = [
            RecordedEvent(
                unixMilliseconds: start, kind: .started, container: web, message: "started",
                durationMicroseconds: 412_000),
            RecordedEvent(unixMilliseconds: start + 10, kind: .kernelLogError, message: "blk_update_request: I/O error")
        ]
        first.findings = [
            RecordedFinding(
                unixMilliseconds: start, windowStartUnixMilliseconds: start - 60_000, ruleID: "cpu.throttled",
                severity: "warning", container: web, message: "web is throttled 40% of periods",
                evidenceJSON: #"{"throttledPercent":40}"#)
        ]
        try store.append(first)
        var later = batch(at: start + 120_000, [])
        later.findings = [
            RecordedFinding(
                unixMilliseconds: start + 120_000, ruleID: "memory.oom", severity: "critical", message: "OOM kill")
        ]
        later.events = [
            RecordedEvent(
                unixMilliseconds: start + 120_000, kind: .oomKill, container: database, message: "killed stress",
                attributes: ["pid": "4242"])
        ]
        try store.append(later)

        let events = try store.events(from: start, to: start + 60_000)
        #expect(events.map(\.kind) == [.started, .kernelLogError])
        #expect(events[0].durationMicroseconds == 412_000)
        #expect(events[0].container == web)
        #expect(events[1].container == nil)
        #expect(try store.events(kinds: [.oomKill]).first?.attributes == ["pid": "4242"])
        let findings = try store.findings(from: start - 1, to: start + 1)
        #expect(findings == first.findings)
        #expect(try store.findings(container: web).count == 1)
        #expect(try store.findings().map(\.ruleID) == ["cpu.throttled", "memory.oom"])
        // The database container exists through its event alone.
        #expect(try store.containers(matching: "77aa00bb").count == 1)
    }

    @Test func rollUpKeepsCountersMeansAndPeaksThenRetentionDeletes() throws {
        let directory = try TemporaryDirectory()
        var configuration = RecordingStore.Configuration()
        configuration.rawRetentionMilliseconds = 5 * 60_000
        configuration.retentionMilliseconds = 60 * 60_000
        configuration.maintenanceIntervalMilliseconds = .max / 4
        let store = try RecordingStore(path: directory.file("r.db"), configuration: configuration)
        for second in 0..<(10 * 60) {
            let time = start + Int64(second) * 1000
            try store.append(
                batch(
                    at: time,
                    [
                        (
                            web,
                            [
                                (.cpuUsageMicroseconds, Int64(second) * 1000),
                                (.memoryWorkingSetBytes, Int64(second % 60) * 1024),
                                (.memoryLimitBytes, 1 << 30)
                            ]
                        )
                    ]))
        }
        let now = start + 10 * 60_000
        let report = try store.maintain(nowUnixMilliseconds: now)
        #expect(report.rolledUpBlocks == 5)
        let samples = try store.samples(of: web, from: start, to: now)
        // Five minutes as one point each, then five minutes as recorded.
        #expect(samples.count == 5 + 5 * 60)
        let firstMinute = samples[0]
        #expect(firstMinute.unixMilliseconds == start)
        #expect(firstMinute.values[.cpuUsageMicroseconds] == 59_000)
        #expect(firstMinute.values[.memoryWorkingSetBytes] == 30_208)  // the mean of 0...59 KiB
        #expect(firstMinute.values[RecordedMetric.memoryWorkingSetBytes.peak] == Int64(59 * 1024))
        #expect(firstMinute.values[.memoryLimitBytes] == 1 << 30)
        #expect(samples[5].unixMilliseconds == start + 5 * 60_000)
        #expect(try store.samples(of: web, from: start, to: now, resolution: .rolledUp).count == 5)

        // Retention deletes whole blocks: the hour of roll-ups goes once its last point is past it.
        let stillKept = try store.maintain(nowUnixMilliseconds: start + 65 * 60_000)
        #expect(stillKept.deletedBlocks == 0)
        #expect(try store.samples(of: web, from: start, to: now).count == 10)
        let later = try store.maintain(nowUnixMilliseconds: start + 71 * 60_000)
        #expect(later.deletedBlocks == 1)
        #expect(try store.samples(of: web, from: start, to: now).isEmpty)
        #expect(later.deletedContainers == 1)
        #expect(try store.containers(matching: web.rawValue).isEmpty)
    }

    /// The one-pass read of every container (what a replayed window reads) gives, for each,
    /// the samples the per-container query gives: roll-ups, closed blocks and pending batches.
    @Test func samplesByContainerEqualsEachContainersSamples() throws {
        let directory = try TemporaryDirectory()
        var configuration = RecordingStore.Configuration()
        configuration.rawRetentionMilliseconds = 2 * 60_000
        configuration.maintenanceIntervalMilliseconds = .max / 4
        let store = try RecordingStore(path: directory.file("r.db"), configuration: configuration)
        for second in 0..<(5 * 60 + 30) {
            let time = start + Int64(second) * 1000
            // The database container starts in the third minute: absent before.
            var entries: [(RecordedContainerKey, [(RecordedMetric, Int64)])] = [
                (web, [(.cpuUsageMicroseconds, Int64(second) * 1000)]), (.host, [(.hostCPUIdleTicks, Int64(second))])
            ]
            if second >= 150 { entries.append((database, [(.pids, Int64(second))])) }
            try store.append(batch(at: time, entries))
        }
        _ = try store.maintain(nowUnixMilliseconds: start + 5 * 60_000)
        for (from, to) in [
            (start, start + 330_000), (start + 100_500, start + 200_000), (start + 295_000, start + 310_000),
            (start + 400_000, start + 500_000)
        ] {
            let all = try store.samplesByContainer(from: from, to: to)
            for key in [web, database, RecordedContainerKey.host] {
                #expect(all[key] ?? [] == (try store.samples(of: key, from: from, to: to)), "\(key) \(from)...\(to)")
            }
            #expect(Set(all.keys).isSubset(of: [web, database, .host]))
        }
        let whole = try store.samplesByContainer(from: start, to: start + 330_000)
        // The oldest minutes come back rolled up: one point a minute.
        let webTimes = (whole[web] ?? []).map(\.unixMilliseconds)
        #expect(webTimes.count > 2 && webTimes[1] - webTimes[0] == 60_000, "\(webTimes.prefix(3))")
        #expect((whole[database]?.count ?? 0) > 0)
        #expect(try store.samplesByContainer(from: start + 400_000, to: start + 500_000).isEmpty)
    }

    @Test func sizeCapDeletesOldestHours() throws {
        let directory = try TemporaryDirectory()
        var configuration = RecordingStore.Configuration()
        configuration.retentionMilliseconds = nil
        configuration.maintenanceIntervalMilliseconds = .max / 4
        let store = try RecordingStore(path: directory.file("r.db"), configuration: configuration)
        var generator = SystemRandomNumberGenerator()
        // Three hours of 10 containers every 10 s with incompressible values.
        let keys = (0..<10).map { RecordedContainerKey(runtime: "docker", id: "c\($0)") }
        for step in 0..<(180 * 6) {
            let time = start + Int64(step) * 10_000
            try store.append(
                RecordingBatch(
                    unixMilliseconds: time,
                    samples: keys.map {
                        RecordingBatch.Entry(
                            container: $0, unixMilliseconds: time,
                            values: RecordedValues(
                                [
                                    RecordedMetric.cpuUsageMicroseconds, .memoryUsageBytes, .networkReceivedBytes,
                                    .blockReadBytes
                                ].map {
                                    ($0, Int64.random(in: 0...Int64.max, using: &generator))
                                }))
                    }))
        }
        let before = try store.statistics().usedBytes
        var capped = configuration
        // Deleting the oldest hour leaves index pages partly filled: ask for a fifth less, not a third.
        capped.maximumSizeBytes = before * 4 / 5
        let cappedStore = try RecordingStore(path: directory.file("r.db"), configuration: capped)
        let report = try cappedStore.maintain(nowUnixMilliseconds: start + 180 * 60_000)
        #expect(report.usedBytes <= before * 4 / 5)
        #expect(report.deletedBlocks > 0)
        let remaining = try cappedStore.samples(of: keys[0], from: start, to: start + 180 * 60_000)
        #expect(!remaining.isEmpty)
        #expect(remaining.first!.unixMilliseconds >= start + 60 * 60_000)
        #expect(remaining.last!.unixMilliseconds == start + 180 * 60_000 - 10_000)
    }
}
