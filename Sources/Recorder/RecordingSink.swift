import Recording

/// Where a `Recorder` writes its batches: the store (`RecordingStore`), or a test's buffer.
package protocol RecordingSink: AnyObject {
    /// Writes one interval's batch; when it returns, the batch is durable.
    func append(_ batch: RecordingBatch) throws
}

extension RecordingStore: RecordingSink {}
