#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Synchronization

/// Drains a recording's ring buffers on a thread of its own, at nice -10, from before
/// tracing starts until `stop()`, and grows them when a CPU loses events or nearly fills.
///
/// The caller's thread keeps the statedump work (the first dump's JSON, the rescans every
/// 2 s), which on a host with 400 containers and 5,000 threads took 0.1-0.4 s of CPU each:
/// on one thread, no page was drained meanwhile, and under three `dd bs=1` loops 32 MiB per
/// CPU fills in about a second. This thread only polls, splices and reads counters.
final class CaptureDrainer: @unchecked Sendable {
    private let copiers: [RawPageCopier]
    private let session: TraceSession
    private let drainIntervalMilliseconds: Int
    private let growsBuffers: Bool
    private let logger: Logger
    /// Touched only by the draining thread until `finished` is signalled.
    private var growth: BufferGrowthController
    private var failure: TracefsError?
    private let stopRequested = Atomic<Bool>(false)
    private let failed = Atomic<Bool>(false)
    /// poll() also watches this pipe, so `stop()` wakes the thread at once.
    private var wakePipe: [Int32] = [-1, -1]
    private let finished = DispatchSemaphore(value: 0)
    private var started = false
    private var joined = false

    init(
        copiers: [RawPageCopier], session: TraceSession, policy: BufferGrowthPolicy, drainIntervalMilliseconds: Int,
        logger: Logger
    ) {
        self.copiers = copiers
        self.session = session
        self.drainIntervalMilliseconds = drainIntervalMilliseconds
        growsBuffers = !session.options.overwriteOldest
        self.logger = logger
        growth = BufferGrowthController(policy: policy)
        if pipe(&wakePipe) == 0 {
            for fd in wakePipe {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
        } else {
            wakePipe = [-1, -1]
        }
    }

    deinit {
        for fd in wakePipe where fd >= 0 { close(fd) }
    }

    /// Whether a drain failed (the thread has stopped; `stop()` throws the error).
    var hasFailed: Bool { failed.load(ordering: .acquiring) }

    func start() {
        started = true
        let thread = Thread { [self] in
            drainUntilStopped()
            finished.signal()
        }
        thread.name = "periscope-trace-drain"
        thread.start()
    }

    /// Stops the thread and waits for it; then the copiers are the caller's again. Returns
    /// how the buffers grew; throws what a drain failed with. Safe to call more than once.
    @discardableResult
    func stop() throws(TracefsError) -> [BufferGrowth] {
        if started && !joined {
            stopRequested.store(true, ordering: .releasing)
            if wakePipe[1] >= 0 {
                var byte: UInt8 = 1
                _ = write(wakePipe[1], &byte, 1)
            }
            finished.wait()
            joined = true
        }
        if let failure { throw failure }
        return growth.growths
    }

    private func drainUntilStopped() {
        let priority = DrainThreadPriority.raise()
        defer { priority.restore() }
        if priority.wasRaised { logger.debug("draining at nice \(DrainThreadPriority.drainingNice)") }
        var pollDescriptors = copiers.map { pollfd(fd: $0.traceFD, events: Int16(POLLIN), revents: 0) }
        if wakePipe[0] >= 0 { pollDescriptors.append(pollfd(fd: wakePipe[0], events: Int16(POLLIN), revents: 0)) }
        var reportedGrowthFailure = false
        while !stopRequested.load(ordering: .acquiring) {
            // Before draining: how full the buffers got while this thread slept.
            if growsBuffers { grow(reportedFailure: &reportedGrowthFailure) }
            var moved = 0
            do {
                for copier in copiers { moved += try copier.drainFullPages() }
            } catch {
                failure = error
                failed.store(true, ordering: .releasing)
                return
            }
            // Wakes when a CPU's buffer is `buffer_percent` full, at the drain interval, or
            // when stop() writes to the pipe.
            if poll(&pollDescriptors, nfds_t(pollDescriptors.count), Int32(drainIntervalMilliseconds)) > 0,
                moved == 0, !stopRequested.load(ordering: .acquiring)
            {
                // Readable but no full page yet (a kernel without buffer_percent wakes on any
                // data): do not spin.
                var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
                nanosleep(&pause, nil)
            }
        }
    }

    /// Grows the buffers when the policy says so, and says so on stderr (the steps also go
    /// to the metadata); a refused resize is said once.
    private func grow(reportedFailure: inout Bool) {
        if let step = growth.check(session, atNs: monotonicNanoseconds()) {
            let cpus = step.cpus.map(String.init).joined(separator: ", ")
            logger.warning(
                "ring buffers grown from \(step.fromKBPerCPU) to \(step.toKBPerCPU) KiB per CPU (\(step.reason.rawValue), CPU \(cpus); \(step.lostEventsBefore) events lost before)"
            )
        }
        if let error = growth.resizeError, !reportedFailure {
            reportedFailure = true
            logger.warning(
                "could not grow the ring buffers, recording on at \(session.bufferSizeKBPerCPU) KiB per CPU: \(error)")
        }
    }
}
