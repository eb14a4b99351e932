/// One sample of one container (or the host): when, and the values read then.
public struct RecordedSample: Sendable, Equatable {
    /// Wall-clock time of the reading, milliseconds since 1970.
    public var unixMilliseconds: Int64
    /// What was read.
    public var values: RecordedValues

    public init(unixMilliseconds: Int64, values: RecordedValues) {
        self.unixMilliseconds = unixMilliseconds
        self.values = values
    }
}
