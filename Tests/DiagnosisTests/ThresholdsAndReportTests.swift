import Diagnosis
import Foundation
import Presentation
import ResourceMetrics
import Testing

@Suite struct ThresholdsAndReportTests {
    @Test("every threshold can be set by name; unknown names and bad values are refused")
    func settings() throws {
        var thresholds = Thresholds()
        for key in Thresholds.keys { try thresholds.set(key.name, 123) }
        #expect(Thresholds.keys.allSatisfy { thresholds[keyPath: $0.keyPath] == 123 })
        #expect(Set(Thresholds.keys.map(\.name)).count == Thresholds.keys.count)
        try thresholds.apply(assignment: "d-state-ms=250")
        #expect(thresholds.dStateMilliseconds == 250)
        #expect(throws: Thresholds.InvalidSetting.self) { try thresholds.apply(assignment: "nonsense=1") }
        #expect(throws: Thresholds.InvalidSetting.self) { try thresholds.apply(assignment: "d-state-ms=fast") }
        #expect(throws: Thresholds.InvalidSetting.self) { try thresholds.set("d-state-ms", -1) }
    }

    @Test("a changed threshold changes the verdict")
    func tuning() throws {
        let window = Synthetic.window(host: Synthetic.host(busy: 95))
        #expect(Synthetic.diagnose(window).status == .findings)
        var relaxed = Thresholds()
        try relaxed.set("cpu-utilization-percent", 96)
        #expect(Synthetic.diagnose(window, relaxed).status == .healthy)
    }

    @Test("findings are ranked critical first, then by how far past their threshold")
    func ranking() {
        let web = Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 500)
        let batch = Synthetic.container("batch", usage: 0.5, cap: 0.5, throttledMilliseconds: 20)
        let kill = KernelLogEvent(
            kind: .oomKill, secondsSinceBoot: 1, message: "Killed process 1 (x)", pid: 1, comm: "x")
        let report = Synthetic.diagnose(
            Synthetic.window(containers: [batch, web], kernelLog: KernelLogObservation(events: [kill])))
        #expect(report.findings.map(\.rule).prefix(3) == ["kernel.oom-kill", "cpu.cap-throttled", "cpu.cap-throttled"])
        #expect(report.findings[1].subject == "container web")
    }

    @Test("the text report shows verdict, evidence with its change, blame and next command; JSON round-trips")
    func rendering() throws {
        let web = Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 300)
        let report = Synthetic.diagnose(Synthetic.window(containers: [web]))
        let text = DiagnosisTextRenderer().render(report)
        #expect(text.contains("1. [WARNING] container web: web is cap throttled"))
        #expect(text.contains("throttled time 300 ms/s (first 300 → last 300; threshold >= 10.0)"))
        #expect(text.contains("whose fault: this container (web)"))
        #expect(text.contains("next: periscope stats web"))
        #expect(text.contains("web: cap throttled — throttled_time increasing? yes"))
        let data = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(DiagnosisReport.self, from: data)
        #expect(decoded.findings == report.findings)
        #expect(decoded.status == .findings)
    }

    /// The USE table marks the cell a finding reports (each rule declares its USE metric), not
    /// the whole row: a cap-throttled container's CPU cap row flags saturation only, a container
    /// near its memory limit flags utilisation only; the JSON keeps the rule ids.
    @Test func useRowsMarkTheMetricTheirFindingsReport() throws {
        let web = Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 300)
        let report = Synthetic.diagnose(Synthetic.window(containers: [web]))
        let row = try #require(report.use.first { $0.owner == "web" && $0.resource == "CPU cap" })
        #expect(row.findingRuleIDs == [.cpuCapThrottled])
        #expect(row.flaggedMetrics == [.saturation])
        let text = DiagnosisTextRenderer().render(report)
        #expect(text.contains("!! web CPU cap: U 0.50 of 0.50 cores (100%); S! throttled 300.0 ms/s; E n/a"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(row)) as? [String: Any])
        #expect(object["findingRules"] as? [String] == ["cpu.cap-throttled"])
        #expect(try JSONDecoder().decode(USERow.self, from: JSONEncoder().encode(row)) == row)

        var full = row
        full.findingRuleIDs = [.memoryNearLimit, .memoryOOMKill]
        #expect(full.flaggedMetrics == [.utilization, .errors])
    }

    @Test("thresholds and window values far past Int.max render (1e+19) instead of trapping")
    func hugeNumbersRender() throws {
        var thresholds = Thresholds()
        try thresholds.apply(assignment: "throttled-ms-per-second=1e19")
        try thresholds.apply(assignment: "cpu-utilization-percent=1e300")
        let web = Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 3e19)
        let report = Synthetic.diagnose(
            Synthetic.window(host: Synthetic.host(busy: 1e30), containers: [web]), thresholds)
        let text = DiagnosisTextRenderer(verbose: true).render(report)
        #expect(text.contains("throttled time 3e+19 ms/s"))
        #expect(text.contains("threshold >= 1e+19"))
        _ = try JSONEncoder().encode(report)
    }

    @Test("with many containers the text lists the throttled ones and counts the rest")
    func manyContainers() {
        let quiet = (0..<10).map { Synthetic.container("quiet\($0)") }
        let web = Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 300)
        let report = Synthetic.diagnose(Synthetic.window(containers: quiet + [web]))
        let text = DiagnosisTextRenderer().render(report)
        #expect(text.contains("  web: cap throttled"))
        #expect(!text.contains("quiet3: not throttled"))
        #expect(text.contains("(10 more containers not throttled; --full lists them)"))
        #expect(DiagnosisTextRenderer(verbose: true).render(report).contains("quiet3: not throttled"))
    }
}
