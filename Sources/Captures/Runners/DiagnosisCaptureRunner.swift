import ContainerInventory
import Diagnosis
import Reporting
import ResourceMetrics

/// A diagnosis window of a container, as `periscope diagnose NAME --duration N --json`
/// observes and judges it: the report is the capture's file.
package struct DiagnosisCaptureRunner: CaptureRunner {
    package var thresholds = Thresholds()
    package var inventory = InventoryOptions()

    package init() {}

    package func run(_ job: CaptureJob, shouldStop: @escaping @Sendable () -> Bool) throws -> CaptureOutput {
        var options = WindowOptions()
        options.durationSeconds = job.durationSeconds
        options.inventory = inventory
        let window: ObservationWindow
        do {
            window = try WindowRecorder(options: options).record(
                focus: Set([job.container.key].compactMap(ContainerKey.init(text:))), shouldStop: shouldStop)
        } catch {
            throw CaptureRunError("\(error)")
        }
        let report = Diagnoser(thresholds: thresholds).diagnose(window)
        let fileName = "diagnosis.json"
        try CaptureFiles.write(Array((try JSONOutput.encode(report) + "\n").utf8), to: "\(job.directory)/\(fileName)")
        let attention = report.findings.filter { $0.severity != .info }.count
        return CaptureOutput(
            fileName: fileName, contentType: "application/json",
            summary: "\(report.status.rawValue): \(report.findings.count) findings, \(attention) need attention")
    }
}
