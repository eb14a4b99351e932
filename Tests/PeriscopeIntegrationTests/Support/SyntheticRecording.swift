import Foundation
import Recording

/// A recording written by the test through the store's API: one minute of 1 s samples of a
/// host with 2 CPUs half idle, a container `shop` (renamed from `shop-old`) busy under a
/// 0.05-CPU cap, a container `web` that stops half way, 120 container starts and the storage
/// picture of a spent burst budget (IOPS falling while latency rises).
struct SyntheticRecording {
    /// 2026-12-03 03:00:00 UTC.
    static let start = 1_796_266_800.0
    static let seconds = 60
    static let shopID = String(repeating: "a1", count: 32)
    static let webID = String(repeating: "b2", count: 32)
    static let shop = RecordedContainerKey(runtime: "docker", id: shopID)
    static let web = RecordedContainerKey(runtime: "docker", id: webID)

    let path: String
    let directory: String

    /// Shop's CPU in microseconds used during second `index` (varies so a chart's points are checkable).
    static func shopMicroseconds(_ index: Int) -> Int64 { 40_000 + Int64(index % 5) * 5_000 }
    /// IOPS of second `index`: 3000 until 40 s, then 100.
    static func iops(_ index: Int) -> Int64 { index < 40 ? 3000 : 100 }

    init() throws {
        directory = NSTemporaryDirectory() + "periscope-history-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/recording.db"
        let store = try RecordingStore(path: path)
        var shopUsage: Int64 = 0, shopThrottled: Int64 = 0, periods: Int64 = 0, switches: Int64 = 0
        var busy: Int64 = 0, idle: Int64 = 0, diskOps: Int64 = 0, diskTime: Int64 = 0
        for index in 0...Self.seconds {
            let milliseconds = Int64((Self.start + Double(index)) * 1000)
            if index > 0 {
                shopUsage += Self.shopMicroseconds(index)
                shopThrottled += 950_000
                periods += 10
                switches += 300
                busy += 100
                idle += 100
                diskOps += Self.iops(index)
                // Latency 1 ms per request while the budget lasts, then 40 ms.
                diskTime += Self.iops(index) * (index < 40 ? 1 : 40)
            }
            var host = RecordedValues()
            host[.hostCPUUserTicks] = busy
            host[.hostCPUIdleTicks] = idle
            host[.hostCPUCount] = 2
            host[.hostMemoryTotalBytes] = 8 << 30
            host[.hostMemoryUsedBytes] = 2 << 30
            host[.loadAverage1Milli] = 1_000
            host[.diskReadOperations] = diskOps
            host[.diskWriteOperations] = 0
            host[.diskReadTimeMilliseconds] = diskTime
            host[.diskWriteTimeMilliseconds] = 0
            host[.diskReadBytes] = diskOps * 4096
            host[.diskWrittenBytes] = 0
            var shop = RecordedValues()
            shop[.cpuUsageMicroseconds] = shopUsage
            shop[.cpuPeriods] = periods
            shop[.cpuThrottledPeriods] = periods
            shop[.cpuThrottledMicroseconds] = shopThrottled
            shop[.cpuQuotaMicroseconds] = 5_000
            shop[.cpuPeriodMicroseconds] = 100_000
            shop[.involuntaryContextSwitches] = switches
            shop[.voluntaryContextSwitches] = 0
            shop[.memoryUsageBytes] = 48 << 20
            shop[.memoryWorkingSetBytes] = 40 << 20
            shop[.memoryLimitBytes] = 64 << 20
            shop[.pids] = 1
            shop[.processes] = 1
            var samples = [
                RecordingBatch.Entry(container: .host, unixMilliseconds: milliseconds, values: host),
                RecordingBatch.Entry(container: Self.shop, unixMilliseconds: milliseconds, values: shop)
            ]
            if index <= 30 {
                var web = RecordedValues()
                web[.cpuUsageMicroseconds] = Int64(index) * 10_000
                web[.memoryUsageBytes] = 10 << 20
                web[.memoryWorkingSetBytes] = 10 << 20
                web[.pids] = 2
                samples.append(RecordingBatch.Entry(container: Self.web, unixMilliseconds: milliseconds, values: web))
            }
            var containers = [
                ContainerDescription(
                    key: Self.shop, name: index < 10 ? "shop-old" : "shop", image: "busybox",
                    startedAtUnixMilliseconds: Int64(Self.start * 1000))
            ]
            if index <= 30 {
                containers.append(
                    ContainerDescription(
                        key: Self.web, name: "web", image: "busybox",
                        startedAtUnixMilliseconds: Int64(Self.start * 1000),
                        stoppedAtUnixMilliseconds: index == 30 ? milliseconds : nil))
            }
            // Two starts a second for the first minute.
            let events = (0..<2).map {
                RecordedEvent(unixMilliseconds: milliseconds + Int64($0) * 400, kind: .started, message: "started")
            }
            var findings: [RecordedFinding] = []
            if index >= 45 && index % 5 == 0 {
                findings.append(
                    RecordedFinding(
                        unixMilliseconds: milliseconds, windowStartUnixMilliseconds: milliseconds - 10_000,
                        ruleID: "storage.iops-floor",
                        severity: "critical", message: "host: IOPS fell to a floor while latency rose"))
            }
            try store.append(
                RecordingBatch(
                    unixMilliseconds: milliseconds, samples: samples, containers: containers,
                    events: index < Self.seconds ? events : [], findings: findings))
        }
        try store.flush()
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// `@UNIX` of second `index`.
    static func at(_ index: Int) -> String { "@\(Int(start) + index)" }
}
