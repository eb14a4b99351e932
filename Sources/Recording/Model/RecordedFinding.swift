/// One finding of the rolling diagnosis, as it was given at the time.
public struct RecordedFinding: Sendable, Equatable, Codable {
    /// When the diagnosis ran (the end of its window), ms since 1970.
    public var unixMilliseconds: Int64
    /// The start of the window it looked at, ms since 1970.
    public var windowStartUnixMilliseconds: Int64?
    /// The rule's id (`cpu.throttled`).
    public var ruleID: String
    /// `critical`, `warning`, `info`, as the diagnosis names them.
    public var severity: String
    /// The container it is about; nil for host-wide findings.
    public var container: RecordedContainerKey?
    /// The headline.
    public var message: String
    /// The evidence as the diagnosis encodes it (JSON), kept verbatim.
    public var evidenceJSON: String?

    public init(
        unixMilliseconds: Int64, windowStartUnixMilliseconds: Int64? = nil, ruleID: String, severity: String,
        container: RecordedContainerKey? = nil, message: String, evidenceJSON: String? = nil
    ) {
        self.unixMilliseconds = unixMilliseconds
        self.windowStartUnixMilliseconds = windowStartUnixMilliseconds
        self.ruleID = ruleID
        self.severity = severity
        self.container = container
        self.message = message
        self.evidenceJSON = evidenceJSON
    }
}
