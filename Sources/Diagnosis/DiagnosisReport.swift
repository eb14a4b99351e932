import ContainerInventory
import ResourceMetrics

/// The outcome of a diagnosis: findings ranked most urgent first, and the views they came
/// from (the 60-second checklist, the USE table, the CPU bottleneck tree per container).
package struct DiagnosisReport: Sendable, Codable {
    /// Overall outcome, also the exit code.
    package enum Status: String, Sendable, Codable {
        /// Nothing needs attention (exit 0).
        case healthy
        /// At least one warning or critical finding (exit 1).
        case findings
        /// Not enough could be read to judge (exit 2).
        case undiagnosable

        /// The process exit code for this status.
        package var exitCode: Int32 {
            switch self {
            case .healthy: 0
            case .findings: 1
            case .undiagnosable: 2
            }
        }
    }

    /// Overall outcome.
    package var status: Status
    /// Host or guest view.
    package var viewpoint: String
    /// The hostname.
    package var hostname: String
    /// Seconds watched.
    package var durationSeconds: Double
    /// Findings, most urgent first.
    package var findings: [Finding]
    /// The CPU bottleneck tree's verdict for each container.
    package var cpuVerdicts: [CPUVerdict]
    /// The 60-second checklist, evaluated.
    package var checklist: [ChecklistLine]
    /// The USE method, one row per resource.
    package var use: [USERow]
    /// The synchronous write probe, when one ran.
    package var storageProbe: SyncWriteProbeResult?
    /// What could not be read and what that costs.
    package var limitations: [String]
    /// The thresholds used.
    package var thresholds: Thresholds
}

/// The CPU bottleneck tree's path and outcome for one container ("Container Performance Analysis" (DockerCon 2017) slide 49).
package struct CPUVerdict: Sendable, Codable, Equatable {
    /// The four outcomes of the tree (slide 48).
    package enum Outcome: String, Sendable, Codable {
        /// B: throttled_time increasing.
        case capThrottled = "cap throttled"
        /// C: preempted, no idle CPU, other tenants busy.
        case shareThrottled = "share throttled"
        /// A: preempted, no idle CPU, other tenants idle.
        case physicalCPUThrottled = "physical CPU throttled"
        /// D: none of the above: look elsewhere (off-CPU, I/O, locks).
        case notThrottled = "not throttled"
    }

    /// The container (coded `runtime:id`).
    package var containerKey: ContainerKey
    /// Its display name.
    package var container: String
    /// The outcome.
    package var outcome: Outcome
    /// The questions asked and their answers, in order ("throttled_time increasing? no (0.0 ms/s < 10)").
    package var path: [String]
    /// CPU used, in cores.
    package var usageCores: Double
    /// The cap, in cores; nil when uncapped.
    package var capCores: Double?
}

/// One line of the 60-second checklist ("Container Performance Analysis" (DockerCon 2017) slide 23), evaluated.
package struct ChecklistLine: Sendable, Codable, Equatable {
    /// The command of the checklist ("vmstat 1").
    package var command: String
    /// What it checks ("overall stats by time").
    package var checks: String
    /// What Periscope measured, in the command's terms.
    package var summary: String
    /// The findings this line raised (rule ids); empty when normal.
    package var findingRules: [String]
    /// False when the data was not available.
    package var measured: Bool
}

/// One resource of the USE method ("Container Performance Analysis" (DockerCon 2017) slides 17, 24): utilisation, saturation, errors.
package struct USERow: Sendable, Codable, Equatable {
    /// "host" or the container's name.
    package var owner: String
    /// The resource ("CPU", "memory", "disk sda", "CPU cap", "PIDs limit").
    package var resource: String
    /// Utilisation, in words with its value.
    package var utilization: String
    /// Saturation.
    package var saturation: String
    /// Errors ("not measured" when the kernel gives no counter).
    package var errors: String
    /// The rules of the findings on this resource (coded as their ids, `findingRules`).
    package var findingRuleIDs: [RuleID]

    /// The findings' rule ids as the JSON spells them.
    package var findingRules: [String] { findingRuleIDs.map(\.rawValue) }
    /// The cells its findings mark: each rule declares the USE metric it reports.
    package var flaggedMetrics: Set<USEMetric> { Set(findingRuleIDs.map(\.useMetric)) }

    private enum CodingKeys: String, CodingKey {
        case owner, resource, utilization, saturation, errors
        case findingRuleIDs = "findingRules"
    }
}
