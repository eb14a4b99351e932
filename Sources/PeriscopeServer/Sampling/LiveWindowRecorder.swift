import ContainerInventory
import Diagnosis
import Foundation
import ResourceMetrics
import Synchronization

/// Records back-to-back observation windows with `WindowRecorder` (the sampler of
/// `periscope diagnose`): every sample goes to the state as it is taken, and every closed
/// window is diagnosed by the same `Diagnoser`, so the agent's verdicts are `diagnose`'s.
package final class LiveWindowRecorder: AgentRecorder {
    private let options: WindowOptions
    private let thresholds: Thresholds
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    private let failure = Mutex<String?>(nil)

    /// Samples every `intervalSeconds` and diagnoses every `windowSeconds`.
    package init(
        intervalSeconds: Double, windowSeconds: Double, inventory: InventoryOptions = InventoryOptions(),
        thresholds: Thresholds = Thresholds()
    ) {
        var options = WindowOptions()
        options.durationSeconds = windowSeconds
        options.intervalSeconds = intervalSeconds
        options.inventory = inventory
        // Each window reads only what the kernel logs during it: an OOM kill is reported by
        // the window it happened in, not again by every window of the next five minutes.
        options.kernelLogLookbackSeconds = 0
        self.options = options
        self.thresholds = thresholds
    }

    /// Why recording stopped on its own (an unreadable /proc), if it did.
    package var failureDescription: String? { failure.withLock { $0 } }

    package func start(into state: AgentState) {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        let options = options, thresholds = thresholds
        let thread = Thread { [self] in
            defer { finished.signal() }
            let metadata = ContainerMetadataCache(options: options.inventory)
            while !stopping.load(ordering: .relaxed) {
                let recorder = WindowRecorder(options: options)
                recorder.onSample = { sample in
                    state.publish(sample, metadata: metadata.metadata(for: sample.containers.map(\.key)))
                }
                do {
                    let window = try recorder.record(shouldStop: { self.stopping.load(ordering: .relaxed) })
                    let report = Diagnoser(thresholds: thresholds).diagnose(window)
                    state.publish(window: window, report: report, endUnixSeconds: Date().timeIntervalSince1970)
                } catch {
                    failure.withLock { $0 = "\(error)" }
                    return
                }
            }
        }
        thread.name = "periscope-recorder"
        thread.start()
    }

    package func stop() {
        stopping.store(true, ordering: .relaxed)
        if started.load(ordering: .relaxed) {
            finished.wait()
            finished.signal()
        }
    }
}
