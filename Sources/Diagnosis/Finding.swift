import ContainerInventory

/// How urgent a finding is.
package enum Severity: String, Sendable, Codable, Comparable {
    /// Something was lost or killed: OOM kills, I/O errors, hung tasks.
    case critical
    /// A resource is saturated or a container is held back.
    case warning
    /// Worth knowing, not a problem by itself.
    case info

    var rank: Int {
        switch self {
        case .critical: 3
        case .warning: 2
        case .info: 1
        }
    }

    /// Less urgent first.
    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One metric behind a verdict: its value over the window, how it changed, and the
/// threshold it crossed.
package struct Evidence: Sendable, Codable, Equatable {
    /// What was measured ("throttled time").
    package var metric: String
    /// Its value over the whole window (a mean of rates, or a total).
    package var value: Double
    /// Its unit ("ms/s", "%", "cores").
    package var unit: String
    /// Mean over the first third of the window, when it is a series.
    package var first: Double?
    /// Mean over the last third of the window.
    package var last: Double?
    /// The threshold it was compared with.
    package var threshold: Double?
    /// How: ">=", "<", ">".
    package var comparison: String?

    /// Creates a value from its fields.
    package init(
        _ metric: String, _ value: Double, _ unit: String, first: Double? = nil, last: Double? = nil,
        threshold: Double? = nil, comparison: String? = nil
    ) {
        self.metric = metric
        self.value = value
        self.unit = unit
        self.first = first
        self.last = last
        self.threshold = threshold
        self.comparison = comparison
    }

    /// Builds evidence from a series: value = mean, first/last thirds.
    package init(_ metric: String, series: Series, unit: String, threshold: Double? = nil, comparison: String? = nil) {
        self.init(
            metric, series.mean, unit, first: series.count > 1 ? series.firstThird : nil,
            last: series.count > 1 ? series.lastThird : nil,
            threshold: threshold, comparison: comparison)
    }
}

/// Who or what a finding blames.
package struct Blame: Sendable, Codable, Equatable {
    /// The kind of culprit.
    package enum Party: String, Sendable, Codable {
        /// The container itself (its own limit or demand).
        case container
        /// Other containers or host processes.
        case neighbour
        /// The host (its physical resources, kernel or storage).
        case host
    }

    /// The kind of culprit.
    package var party: Party
    /// The container concerned (display name), if any.
    package var container: String?
    /// The neighbours and their share, for `.neighbour` (and as context otherwise).
    package var neighbours: [NeighbourShare]
    /// One sentence saying why.
    package var explanation: String

    /// Creates a value from its fields.
    package init(_ party: Party, container: String? = nil, neighbours: [NeighbourShare] = [], explanation: String) {
        self.party = party
        self.container = container
        self.neighbours = neighbours
        self.explanation = explanation
    }
}

/// A neighbour using a contended resource, and its share of it.
package struct NeighbourShare: Sendable, Codable, Equatable {
    /// Display name ("batch", "host processes (cc1, swift-frontend)").
    package var name: String
    /// `container` or `host`.
    package var kind: String
    /// The resource ("cpu", "disk loop0", "network").
    package var resource: String
    /// Its use, in `unit`.
    package var amount: Double
    /// The unit of `amount`.
    package var unit: String
    /// Its share of the resource's total use in the window, %.
    package var sharePercent: Double

    /// Creates a value from its fields.
    package init(name: String, kind: String, resource: String, amount: Double, unit: String, sharePercent: Double) {
        self.name = name
        self.kind = kind
        self.resource = resource
        self.amount = amount
        self.unit = unit
        self.sharePercent = sharePercent
    }
}

/// One thing that needs attention: a verdict, its evidence, whose fault, what to run next.
package struct Finding: Sendable, Codable, Equatable {
    /// The rule that produced it (coded as its id, `cpu.cap-throttled`).
    package var ruleID: RuleID
    /// The rule's id as the JSON spells it (`cpu.cap-throttled`).
    package var rule: String { ruleID.rawValue }

    enum CodingKeys: String, CodingKey {
        case ruleID = "rule"
        case severity, subject, containerKey, verdict, evidence, blame, nextCommands, method, score
    }
    /// How urgent.
    package var severity: Severity
    /// What it is about ("container web", "host CPU", "device sda").
    package var subject: String
    /// The container it is about, if any (coded `runtime:id`).
    package var containerKey: ContainerKey?
    /// The verdict in one sentence.
    package var verdict: String
    /// The metrics behind it.
    package var evidence: [Evidence]
    /// Whose fault.
    package var blame: Blame
    /// Commands to dig deeper.
    package var nextCommands: [String]
    /// The method and step that produced it ("CPU bottleneck tree: throttled_time increasing").
    package var method: String
    /// How far past its threshold (value / threshold), for ranking within a severity.
    package var score: Double

    /// Creates a value from its fields.
    package init(
        rule: RuleID, severity: Severity, subject: String, containerKey: ContainerKey? = nil, verdict: String,
        evidence: [Evidence],
        blame: Blame, nextCommands: [String], method: String, score: Double = 1
    ) {
        self.ruleID = rule
        self.severity = severity
        self.subject = subject
        self.containerKey = containerKey
        self.verdict = verdict
        self.evidence = evidence
        self.blame = blame
        self.nextCommands = nextCommands
        self.method = method
        self.score = score
    }
}
