import ContainerInventory

/// How urgent a finding is.
public enum Severity: String, Sendable, Codable, Comparable {
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
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One metric behind a verdict: its value over the window, how it changed, and the
/// threshold it crossed.
public struct Evidence: Sendable, Codable, Equatable {
    /// What was measured ("throttled time").
    public var metric: String
    /// Its value over the whole window (a mean of rates, or a total).
    public var value: Double
    /// Its unit ("ms/s", "%", "cores").
    public var unit: String
    /// Mean over the first third of the window, when it is a series.
    public var first: Double?
    /// Mean over the last third of the window.
    public var last: Double?
    /// The threshold it was compared with.
    public var threshold: Double?
    /// How: ">=", "<", ">".
    public var comparison: String?

    /// Creates a value from its fields.
    public init(_ metric: String, _ value: Double, _ unit: String, first: Double? = nil, last: Double? = nil,
                threshold: Double? = nil, comparison: String? = nil) {
        self.metric = metric
        self.value = value
        self.unit = unit
        self.first = first
        self.last = last
        self.threshold = threshold
        self.comparison = comparison
    }

    /// Builds evidence from a series: value = mean, first/last thirds.
    public init(_ metric: String, series: Series, unit: String, threshold: Double? = nil, comparison: String? = nil) {
        self.init(metric, series.mean, unit, first: series.count > 1 ? series.firstThird : nil, last: series.count > 1 ? series.lastThird : nil,
                  threshold: threshold, comparison: comparison)
    }
}

/// Who or what a finding blames.
public struct Blame: Sendable, Codable, Equatable {
    /// The kind of culprit.
    public enum Party: String, Sendable, Codable {
        /// The container itself (its own limit or demand).
        case container
        /// Other containers or host processes.
        case neighbour
        /// The host (its physical resources, kernel or storage).
        case host
    }

    /// The kind of culprit.
    public var party: Party
    /// The container concerned (display name), if any.
    public var container: String?
    /// The neighbours and their share, for `.neighbour` (and as context otherwise).
    public var neighbours: [NeighbourShare]
    /// One sentence saying why.
    public var explanation: String

    /// Creates a value from its fields.
    public init(_ party: Party, container: String? = nil, neighbours: [NeighbourShare] = [], explanation: String) {
        self.party = party
        self.container = container
        self.neighbours = neighbours
        self.explanation = explanation
    }
}

/// A neighbour using a contended resource, and its share of it.
public struct NeighbourShare: Sendable, Codable, Equatable {
    /// Display name ("batch", "host processes (cc1, swift-frontend)").
    public var name: String
    /// `container` or `host`.
    public var kind: String
    /// The resource ("cpu", "disk loop0", "network").
    public var resource: String
    /// Its use, in `unit`.
    public var amount: Double
    /// The unit of `amount`.
    public var unit: String
    /// Its share of the resource's total use in the window, %.
    public var sharePercent: Double

    /// Creates a value from its fields.
    public init(name: String, kind: String, resource: String, amount: Double, unit: String, sharePercent: Double) {
        self.name = name
        self.kind = kind
        self.resource = resource
        self.amount = amount
        self.unit = unit
        self.sharePercent = sharePercent
    }
}

/// One thing that needs attention: a verdict, its evidence, whose fault, what to run next.
public struct Finding: Sendable, Codable, Equatable {
    /// The rule that produced it (coded as its id, `cpu.cap-throttled`).
    public var ruleID: RuleID
    /// The rule's id as the JSON spells it (`cpu.cap-throttled`).
    public var rule: String { ruleID.rawValue }

    enum CodingKeys: String, CodingKey {
        case ruleID = "rule"
        case severity, subject, containerKey, verdict, evidence, blame, nextCommands, method, score
    }
    /// How urgent.
    public var severity: Severity
    /// What it is about ("container web", "host CPU", "device sda").
    public var subject: String
    /// The container it is about, if any (coded `runtime:id`).
    public var containerKey: ContainerKey?
    /// The verdict in one sentence.
    public var verdict: String
    /// The metrics behind it.
    public var evidence: [Evidence]
    /// Whose fault.
    public var blame: Blame
    /// Commands to dig deeper.
    public var nextCommands: [String]
    /// The method and step that produced it ("CPU bottleneck tree: throttled_time increasing").
    public var method: String
    /// How far past its threshold (value / threshold), for ranking within a severity.
    public var score: Double

    /// Creates a value from its fields.
    public init(rule: RuleID, severity: Severity, subject: String, containerKey: ContainerKey? = nil, verdict: String, evidence: [Evidence],
                blame: Blame, nextCommands: [String], method: String, score: Double = 1) {
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
