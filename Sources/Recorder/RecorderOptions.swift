import ContainerInventory
import Diagnosis
import ResourceMetrics

/// What `Recorder` samples, how often, and what it runs beside the samples.
package struct RecorderOptions: Sendable {
    /// Seconds between two samples (and two batches written).
    package var intervalSeconds: Double = 1
    /// Inventory sources (proc root, runtime sockets).
    package var inventory = InventoryOptions()
    /// Seconds between full inventory scans (every process's stat, the cgroup walk). Docker
    /// containers are also picked up at once from the daemon's events; other runtimes' new
    /// containers wait for the next scan. A scan reads every process's cgroup: at 5 s it cost
    /// more per container-sample than the counters themselves (docs/performance.md).
    package var rescanSeconds: Double = 30
    /// Seconds between reads of each container's limits (quota, shares, memory and pids
    /// limits): they change only on `docker update`, which also triggers a read.
    package var limitsRefreshSeconds: Double = 60
    /// memory.stat, the costliest counter file, is read every this many samples (the working
    /// set in between is the current usage minus the last inactive-file figure).
    package var memoryStatEverySamples = 10
    /// The kernel log device (OOM kills, hung tasks, I/O errors).
    package var kernelLogPath = "/dev/kmsg"
    /// Every thread is swept for D state in a sample when /proc/stat counts a task blocked on
    /// I/O, and at least every this many seconds otherwise (D waits that are not I/O, a lock,
    /// do not show there). A sweep reads every thread's stat: 5-35 ms with 100-500 containers
    /// (their runtimes' shims are ten threads each), so it is not done every sample.
    package var dStateFullSweepSeconds: Double = 30
    /// Measure the Docker Engine's `GET /_ping` latency each sample.
    package var probesDockerEngine = true
    /// Follow Docker's container events (lifecycle, start durations).
    package var followsDockerEvents = true
    /// Seconds between rolling diagnoses; 0 turns them off.
    package var diagnoseEverySeconds: Double = 60
    /// Seconds of recorded samples each rolling diagnosis replays (as `diagnose --db` does).
    package var diagnoseWindowSeconds: Double = 10
    /// The thresholds the rolling diagnosis uses.
    package var thresholds = Thresholds()
    /// Called on the rolling diagnosis' thread with each window replayed, its report and its
    /// end (seconds since 1970): the agent exports the verdicts from it.
    package var onDiagnosis: (@Sendable (ObservationWindow, DiagnosisReport, _ endUnixSeconds: Double) -> Void)?

    /// Sources that add values to every sample (the `--bpf` latency histograms); the
    /// recorder closes them when it stops.
    package var sampleSources: [any RecorderSampleSource] = []

    /// Defaults: 1 s samples, a diagnosis of 10 s every minute.
    package init() {}
}
