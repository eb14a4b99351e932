import Foundation
import Recorder
import Recording
import Synchronization

/// Runs the recorder of `periscope record` in-process on a thread of its own: every batch is
/// written to the store and handed to the agent's state as it is (the latest sample for
/// /metrics and the JSON API), and every rolling diagnosis' report goes to the state too (the
/// verdict and findings gauges). There is one sampling loop: the recorder's.
package final class StoreRecorder: AgentRecorder {
    private let options: RecorderOptions
    private let store: RecordingStore
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    private let failure = Mutex<String?>(nil)

    /// Records with `options` into `store` once started.
    package init(options: RecorderOptions, store: RecordingStore) {
        self.options = options
        self.store = store
    }

    /// Why recording stopped on its own (a full disk, an unreadable /proc), if it did.
    package var failureDescription: String? { failure.withLock { $0 } }

    package func start(into state: AgentState) {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        var options = options
        options.onDiagnosis = { window, report, endUnixSeconds in
            state.publish(window: window, report: report, endUnixSeconds: endUnixSeconds)
        }
        let store = store, recorderOptions = options
        let thread = Thread { [self] in
            // Named from inside, in at most 15 bytes: on Linux a name set before start() does
            // not reach the kernel, nor does a longer one (pthread_setname_np fails with ERANGE);
            // `top -H` and scripts/compare-agent-cost.sh tell the recorder's CPU apart by it.
            Thread.current.name = "periscope-rec"
            defer { finished.signal() }
            let recorder = Recorder(options: recorderOptions, sink: store)
            recorder.onBatchWritten = { batch, facts in state.publish(batch, facts: facts) }
            do {
                try recorder.run(shouldStop: { self.stopping.load(ordering: .relaxed) })
                try store.flush()
            } catch {
                failure.withLock { $0 = "\(error)" }
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
