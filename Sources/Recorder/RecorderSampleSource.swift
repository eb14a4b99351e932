import Recording

/// Something beside the counter files that adds values to every sample (the BPF latency
/// histograms of `--bpf`): the recorder calls it once per sample, on its own thread, after
/// every container was read, and closes it when it stops.
package protocol RecorderSampleSource: AnyObject, Sendable {
    /// Adds this source's values to the batch's entries (containers and the host); returns
    /// problems to record as events (a failed read), empty when none.
    func contribute(to batch: inout RecordingBatch) -> [String]
    /// Releases what the source holds (detaches programs, closes descriptors). Idempotent.
    func close()
}
