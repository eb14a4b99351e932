/// Something that happened at one moment: a lifecycle change, an OOM kill, a kernel-log error,
/// threads found in D state.
public struct RecordedEvent: Sendable, Equatable, Codable {
    /// What kind of thing happened. Open-ended (a string on disk) so recorders can add kinds.
    public struct Kind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let created = Kind(rawValue: "created")
        /// Running; `duration` is create → running when the runtime's events tell.
        public static let started = Kind(rawValue: "started")
        public static let stopped = Kind(rawValue: "stopped")
        public static let restarted = Kind(rawValue: "restarted")
        /// `attributes["oldName"]` holds the previous name.
        public static let renamed = Kind(rawValue: "renamed")
        public static let removed = Kind(rawValue: "removed")
        public static let oomKill = Kind(rawValue: "oomKill")
        public static let kernelLogError = Kind(rawValue: "kernelLogError")
        /// A D-state sweep that found threads; the message lists them.
        public static let dStateThreads = Kind(rawValue: "dStateThreads")
        /// The recorder itself: started, stopped, could not read something.
        public static let recorder = Kind(rawValue: "recorder")
    }

    /// When, ms since 1970.
    public var unixMilliseconds: Int64
    public var kind: Kind
    /// The container it concerns; nil for host-wide events.
    public var container: RecordedContainerKey?
    /// One line for people.
    public var message: String
    /// How long it took (a start: create → running), when it has a duration, microseconds.
    public var durationMicroseconds: Int64?
    /// Anything else worth keeping (`oldName`, `pid`, `comm`, `exitCode`).
    public var attributes: [String: String]

    public init(
        unixMilliseconds: Int64, kind: Kind, container: RecordedContainerKey? = nil, message: String = "",
        durationMicroseconds: Int64? = nil, attributes: [String: String] = [:]
    ) {
        self.unixMilliseconds = unixMilliseconds
        self.kind = kind
        self.container = container
        self.message = message
        self.durationMicroseconds = durationMicroseconds
        self.attributes = attributes
    }
}
