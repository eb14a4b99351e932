#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// The result of a synchronous write probe: how long the file system took to make small
/// writes durable: the `dd if=/dev/zero of=FILE bs=1M count=10 oflag=sync` of the Red Hat post
/// "Docker operations slowing down on AWS (this time it's not DNS)" ("if this does not
/// complete in < 5 seconds, something is terribly hosed").
package struct SyncWriteProbeResult: Sendable, Equatable, Codable {
    /// The directory written in.
    package var directory: String
    /// Bytes per write.
    package var blockBytes: Int
    /// Writes planned.
    package var writesPlanned: Int
    /// Each completed write's latency in milliseconds, in order.
    package var latenciesMilliseconds: [Double]
    /// Wall time of the whole probe.
    package var totalSeconds: Double
    /// The probe stopped before its last write because it ran past its time limit.
    package var stoppedAtTimeLimit: Bool
    /// Why the probe could not run or stopped (open or write failure).
    package var failure: String?

    /// Creates a value from its fields.
    package init(
        directory: String, blockBytes: Int, writesPlanned: Int, latenciesMilliseconds: [Double] = [],
        totalSeconds: Double = 0,
        stoppedAtTimeLimit: Bool = false, failure: String? = nil
    ) {
        self.directory = directory
        self.blockBytes = blockBytes
        self.writesPlanned = writesPlanned
        self.latenciesMilliseconds = latenciesMilliseconds
        self.totalSeconds = totalSeconds
        self.stoppedAtTimeLimit = stoppedAtTimeLimit
        self.failure = failure
    }

    /// The median write latency; nil with no write completed.
    package var medianMilliseconds: Double? {
        guard !latenciesMilliseconds.isEmpty else { return nil }
        let sorted = latenciesMilliseconds.sorted()
        return sorted[sorted.count / 2]
    }

    /// The slowest write.
    package var maximumMilliseconds: Double? { latenciesMilliseconds.max() }

    /// Bytes made durable per second over the probe.
    package var bytesPerSecond: Double {
        totalSeconds > 0 ? Double(latenciesMilliseconds.count * blockBytes) / totalSeconds : 0
    }
}

/// Writes `count` blocks of `blockBytes` with O_SYNC to a new file in a directory and times
/// each write. The file is created O_EXCL under a unique name and unlinked right after
/// it is opened, so it vanishes on every exit path, a kill included; nothing else is touched.
package enum SyncWriteProbe {
    /// Why no probe file can be created in `directory` (permission, read-only file system),
    /// or nil when it can: checked before a window starts, because a probe that cannot
    /// write measures nothing and must never read as slow storage.
    package static func cannotWriteReason(directory: String) -> String? {
        let path = "\(directory)/.periscope-sync-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = path.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        guard fd >= 0 else {
            let error = Errno.current
            return error.isPermissionDenied
                ? "\(error) (run as root, or give a directory this user can write)" : error.description
        }
        unlink(path)
        close(fd)
        return nil
    }

    /// Runs the probe. Stops early (and says so) once `timeLimitSeconds` have passed: a write
    /// already in flight cannot be interrupted, so the probe may run over by one write.
    package static func run(
        directory: String, blockBytes: Int = 1 << 20, count: Int = 10, timeLimitSeconds: Double = 5
    ) -> SyncWriteProbeResult {
        var result = SyncWriteProbeResult(directory: directory, blockBytes: blockBytes, writesPlanned: count)
        let path = "\(directory)/.periscope-sync-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = path.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_SYNC | O_CLOEXEC, 0o600) }
        guard fd >= 0 else {
            result.failure = HostReadError(path: path, errno: errno).description
            return result
        }
        unlink(path)
        defer { close(fd) }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: blockBytes, alignment: 4096)
        defer { block.deallocate() }
        block.initializeMemory(as: UInt8.self, repeating: 0)
        let started = MonotonicInstant.now()
        for _ in 0..<count {
            if MonotonicInstant.now().seconds(since: started) >= timeLimitSeconds {
                result.stoppedAtTimeLimit = true
                break
            }
            let before = MonotonicInstant.now()
            do {
                try SystemCall.writeAll(fd, UnsafeRawBufferPointer(block))
            } catch {
                result.failure = HostReadError(path: path, error).description
                result.totalSeconds = MonotonicInstant.now().seconds(since: started)
                return result
            }
            result.latenciesMilliseconds.append(MonotonicInstant.now().seconds(since: before) * 1000)
        }
        result.totalSeconds = MonotonicInstant.now().seconds(since: started)
        return result
    }
}
