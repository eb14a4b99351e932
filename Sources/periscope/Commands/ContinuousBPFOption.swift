import ArgumentParser
import BPF
import ContainerInventory
import Recorder

/// `--bpf runqlat,biolatency` of `serve` and `record`: latency histograms kept in the kernel
/// and read every interval, per container. A histogram that cannot be loaded is refused with
/// what is missing and what to do; the command runs on without it.
struct ContinuousBPFOption: ParsableArguments {
    @Option(
        name: .customLong("bpf"),
        help: ArgumentHelp(
            "Per-container latency histograms kept in the kernel with BPF and read every interval: runqlat (run-queue latency), biolatency (block I/O latency), comma-separated, or none. Needs root, or CAP_BPF and CAP_PERFMON, and tracefs; refused with the reason otherwise, and the rest runs.",
            valueName: "LIST"))
    var bpf = "none"

    func validate() throws {
        do { _ = try ContinuousLatencyKind.parseList(bpf) } catch { throw ValidationError("\(error)") }
    }

    /// Loads and attaches the histograms asked for, as a recorder sample source; nil when none
    /// was asked for or none could be loaded. Each refusal is printed on standard error.
    func open(command: String, inventory: InventoryOptions) -> LatencyHistogramSampleSource? {
        guard let kinds = try? ContinuousLatencyKind.parseList(bpf), !kinds.isEmpty else { return nil }
        var options = inventory
        options.includeProcesses = false
        let (histograms, refusals) = ContainerLatencyHistograms.open(kinds, scanner: InventoryScanner(options: options))
        for refusal in refusals {
            printStandardError("periscope \(command): \(refusal) (\(command) runs on without it)")
        }
        guard let histograms else { return nil }
        let source = LatencyHistogramSampleSource(histograms)
        printStandardError(
            "periscope \(command): BPF histograms \(source.kinds.map(\.rawValue).joined(separator: ", ")) attached")
        return source
    }
}
