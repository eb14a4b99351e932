import Foundation
import Synchronization

/// Runs a `SyncWriteProbe` on its own thread so a window keeps sampling (and sees the
/// probe's own D-state waits) while the writes block.
final class ProbeRunner: Sendable {
    private let result = Mutex<SyncWriteProbeResult?>(nil)
    private let done = DispatchSemaphore(value: 0)
    private let directory: String
    private let blockBytes: Int
    private let writes: Int

    init(directory: String, blockBytes: Int, writes: Int, timeLimitSeconds: Double) {
        self.directory = directory
        self.blockBytes = blockBytes
        self.writes = writes
        Thread.detachNewThread { [self] in
            let outcome = SyncWriteProbe.run(
                directory: directory, blockBytes: blockBytes, count: writes, timeLimitSeconds: timeLimitSeconds)
            result.withLock { $0 = outcome }
            done.signal()
        }
    }

    /// The result, or one saying the probe is still blocked after `timeoutSeconds`.
    func wait(timeoutSeconds: Double) -> SyncWriteProbeResult {
        if done.wait(timeout: .now() + timeoutSeconds) == .success, let outcome = result.withLock({ $0 }) {
            return outcome
        }
        return SyncWriteProbeResult(
            directory: directory, blockBytes: blockBytes, writesPlanned: writes, totalSeconds: timeoutSeconds,
            stoppedAtTimeLimit: true, failure: "a synchronous write was still blocked after \(Int(timeoutSeconds)) s")
    }
}
