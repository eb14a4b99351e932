import Recording

/// Where a `Recorder` writes its batches: the store (`RecordingStore`), or a test's buffer.
package protocol RecordingSink: AnyObject {
    /// Writes one interval's batch; when it returns, the batch is durable.
    func append(_ batch: RecordingBatch) throws
    /// The store the written batches can be read back from (the rolling diagnosis replays
    /// its window from it); nil for a sink that keeps none.
    var readBack: RecordingStore? { get }
}

extension RecordingSink {
    package var readBack: RecordingStore? { nil }
}

extension RecordingStore: RecordingSink {
    package var readBack: RecordingStore? { self }
}
