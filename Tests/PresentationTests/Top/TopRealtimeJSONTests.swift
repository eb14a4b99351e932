import Foundation
import LinuxHost
import Testing
@testable import ResourceMetrics

/// `top --json` carries each sampled row's RT budget chain and RT threads, as the text
/// screen's drill-down shows them.
@Suite("top --json: real-time data per row")
struct TopRealtimeJSONTests {
    @Test func aRowCarriesItsRealtimeObjectAndALineDecodesBack() throws {
        var frame = TopTestFrames.frame
        let budget = CgroupRealtimeBudget(
            groupScheduling: .present,
            levels: [
                .init(cgroupPath: "/docker/busy-id", rtRuntimeMicroseconds: 100_000, rtPeriodMicroseconds: 1_000_000)
            ])
        let thread = RealtimeThreadRates(
            pid: 4123, tid: 4124, comm: "busyloop", policy: .roundRobin, rtPriority: 50,
            allowedCPUs: CPUList(cpus: [0, 1]), lastCPU: 0, cpuCores: 0.1, runQueueWaitSecondsPerSecond: 0.9)
        frame.realtimeByRowID["docker:busy-id"] = ContainerRealtime(budget: budget, threads: [thread])
        let line = try JSONEncoderForTests.encode(frame)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        let busy = try #require(rows.first { $0["id"] as? String == "docker:busy-id" })
        let realtime = try #require(busy["realtime"] as? [String: Any])
        let threads = try #require(realtime["threads"] as? [[String: Any]])
        #expect(threads.first?["tid"] as? Int == 4124)
        #expect(threads.first?["rtPriority"] as? Int == 50)
        #expect(realtime["budget"] is [String: Any])
        #expect(rows.filter { $0["realtime"] != nil }.count == 1, "rows without RT data carry no realtime key")
        let decoded = try JSONDecoder().decode(TopFrame.self, from: Data(line.utf8))
        #expect(decoded.realtimeByRowID == frame.realtimeByRowID)
        #expect(decoded.rows == frame.rows)
    }
}
