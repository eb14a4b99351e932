/// Everything one recording interval produced, written in one transaction: after a crash the
/// store holds every batch whose `append` returned, and nothing of the one in flight.
public struct RecordingBatch: Sendable {
    /// One container's (or the host's) sample.
    public struct Entry: Sendable, Equatable {
        public var container: RecordedContainerKey
        public var unixMilliseconds: Int64
        public var values: RecordedValues

        public init(container: RecordedContainerKey, unixMilliseconds: Int64, values: RecordedValues) {
            self.container = container
            self.unixMilliseconds = unixMilliseconds
            self.values = values
        }
    }

    /// When the interval ended, ms since 1970: the containers sampled are "last seen" then.
    public var unixMilliseconds: Int64
    public var samples: [Entry]
    /// New or changed inventory facts (names, images, start and stop times). A container that
    /// only has samples is created with its key as name.
    public var containers: [ContainerDescription]
    public var events: [RecordedEvent]
    public var findings: [RecordedFinding]

    public init(
        unixMilliseconds: Int64, samples: [Entry] = [], containers: [ContainerDescription] = [],
        events: [RecordedEvent] = [], findings: [RecordedFinding] = []
    ) {
        self.unixMilliseconds = unixMilliseconds
        self.samples = samples
        self.containers = containers
        self.events = events
        self.findings = findings
    }
}
