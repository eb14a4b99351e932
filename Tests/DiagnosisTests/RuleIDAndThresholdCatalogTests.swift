import Foundation
import Testing
@testable import Diagnosis

/// Rule ids and thresholds are declared once; these check what the declarations promise.
@Suite struct RuleIDAndThresholdCatalogTests {
    /// A rule marked on no checklist line and no USE row would be found and then lost from
    /// both views.
    @Test(arguments: RuleID.allCases)
    func everyRuleHasAPlace(rule: RuleID) {
        #expect(
            !rule.checklistLines.isEmpty || !rule.useResources.isEmpty,
            "\(rule.rawValue) is on no checklist line and no USE row")
    }

    /// Rules and the USE metric docs/diagnose.md's USE tables put them under.
    static let documentedMetrics: [(RuleID, USEMetric)] = [
        (.hostCPUUtilization, .utilization), (.hostCPUSaturation, .saturation), (.hostNetworkErrors, .errors),
        (.hostNetworkDrops, .saturation), (.cpuCapThrottled, .saturation), (.memoryNearLimit, .utilization),
        (.memoryLimitHits, .saturation), (.memoryOOMKill, .errors), (.pidsNearLimit, .utilization),
        (.blkioThrottleSaturated, .utilization), (.storageIOPressure, .saturation), (.networkRetransmits, .errors),
        (.kernelIOError, .errors)
    ]

    /// The metric each rule reports is the one docs/diagnose.md's USE tables put it under.
    @Test(arguments: documentedMetrics)
    func rulesReportTheDocumentedUSEMetric(rule: RuleID, metric: USEMetric) {
        #expect(rule.useMetric == metric)
    }

    /// The checklist's lines are exactly the declared commands, in order.
    @Test func checklistCommandsAreTheLinesPrinted() {
        let report = Synthetic.diagnose(Synthetic.window())
        #expect(report.checklist.map(\.command) == ChecklistCommand.allCases.map(\.rawValue))
    }

    /// The JSON keeps the id strings: a finding codes its rule as `rule`.
    @Test func findingsCodeTheRuleId() throws {
        let report = Synthetic.diagnose(
            Synthetic.window(containers: [Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 200)])
        )
        let finding = try #require(report.findings.first { $0.ruleID == .cpuCapThrottled })
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(finding)) as? [String: Any])
        #expect(object["rule"] as? String == "cpu.cap-throttled")
        #expect(object["ruleID"] == nil)
        #expect(try JSONDecoder().decode(Finding.self, from: JSONEncoder().encode(finding)) == finding)
    }

    /// Every threshold is documented in docs/diagnose.md's tables, with its default.
    @Test(arguments: Thresholds.keys.map(\.spec))
    func everyThresholdIsDocumented(spec: ThresholdSpec) throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("docs/diagnose.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let row = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("| `\(spec.name)` |") },
            "\(spec.name) is not in docs/diagnose.md")
        let documentedDefault = row.split(separator: "|").dropFirst().first.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(documentedDefault.flatMap(Double.init) == spec.defaultValue, "\(row)")
    }

    /// The report's JSON keeps every threshold under its property's name, and reads it back.
    @Test func thresholdsCodeUnderTheirPropertyNames() throws {
        var thresholds = Thresholds()
        thresholds.dStateMilliseconds = 250
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(thresholds)) as? [String: Double])
        #expect(object.count == Thresholds.keys.count)
        #expect(object["dStateMilliseconds"] == 250 && object["throttledMillisecondsPerSecond"] == 10)
        #expect(try JSONDecoder().decode(Thresholds.self, from: JSONEncoder().encode(thresholds)) == thresholds)
        #expect(ThresholdCatalog.all.allSatisfy { !$0.unit.isEmpty && !$0.property.isEmpty })
    }
}
