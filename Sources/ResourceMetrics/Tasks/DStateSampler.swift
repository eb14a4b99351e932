import ContainerInventory
import LinuxHost

/// One thread seen in uninterruptible sleep (D) during a window.
package struct DStateThread: Sendable, Equatable, Codable {
    /// The process (thread group) id on the host.
    package var pid: Int32
    /// The thread id on the host.
    package var tid: Int32
    /// The thread's command name.
    package var comm: String
    /// The container (`runtime:id`) the process belongs to; nil for the host.
    package var container: ContainerKey?
    /// Seconds from the window start to the first and last sweep that saw it in D.
    package var firstSeenSeconds: Double
    /// Seconds from the window start to the last sweep that saw it in D.
    package var lastSeenSeconds: Double
    /// Sweeps that saw it in D.
    package var samplesInD: Int
    /// The most D sweeps in a row: × the sweep interval ≈ its longest stay in D.
    package var longestRunSamples: Int
    /// The kernel function it waited in most often (`wchan`).
    package var waitChannel: String?
    /// Its kernel stack the first time it was seen in D (innermost first); empty when unreadable.
    package var kernelStack: [String]

    /// Creates a value from its fields.
    package init(
        pid: Int32, tid: Int32, comm: String, container: ContainerKey?, firstSeenSeconds: Double,
        lastSeenSeconds: Double,
        samplesInD: Int, longestRunSamples: Int, waitChannel: String?, kernelStack: [String]
    ) {
        self.pid = pid
        self.tid = tid
        self.comm = comm
        self.container = container
        self.firstSeenSeconds = firstSeenSeconds
        self.lastSeenSeconds = lastSeenSeconds
        self.samplesInD = samplesInD
        self.longestRunSamples = longestRunSamples
        self.waitChannel = waitChannel
        self.kernelStack = kernelStack
    }
}

/// Sweeps every thread of the host for state D and records, for each one found, when and
/// how long it stayed there and where in the kernel it waited (`wchan`, `stack`): the
/// `ps` loop grepping for " D " of the storage slow-down, automated. Not thread-safe.
package final class DStateSampler {
    private struct Tracked {
        var thread: DStateThread
        var currentRun: Int
        var waitChannels: [String: Int]
        var lastSweep: Int
    }
    private let procfs: Procfs
    private let startedAt: MonotonicInstant
    private var tracked: [ProcessIdentity: Tracked] = [:]
    /// Sweeps done so far.
    package private(set) var sweeps = 0
    /// Whether any kernel stack could be read (it needs CAP_SYS_ADMIN).
    package private(set) var stackUnreadable = false

    /// Sweeps under `procfs`'s root; times are relative to `startedAt`.
    package init(procfs: Procfs = Procfs(), startedAt: MonotonicInstant = .now()) {
        self.procfs = procfs
        self.startedAt = startedAt
    }

    /// Reads the state of every thread once. `container` maps a host PID to its container.
    /// Returns how many threads of each container (nil key: the host) were in D.
    @discardableResult
    package func sweep(container: (Int32) -> ContainerKey?) -> [ContainerKey?: Int] {
        var counts: [ContainerKey?: Int] = [:]
        defer { lastSweepCounts = counts }
        sweeps += 1
        let now = MonotonicInstant.now().seconds(since: startedAt)
        guard let pids = try? procfs.processIDs() else { return counts }
        for pid in pids {
            guard let tids = try? procfs.threadIDs(of: pid) else { continue }
            for tid in tids {
                let task = TaskID(pid: pid, tid: tid)
                // Most threads are not in D: look at the state byte first, parse the rest only for D.
                guard (try? procfs.stateByte(task)) == UInt8(ascii: "D"), let stat = try? procfs.stat(task),
                    stat.state == .uninterruptible
                else { continue }
                let identity = ProcessIdentity(pid: tid, startTimeTicks: stat.startTimeTicks)
                let owner = tracked[identity]?.thread.container ?? container(pid)
                counts[owner, default: 0] += 1
                let channel = (try? procfs.waitChannel(task)) ?? nil
                if var entry = tracked[identity] {
                    entry.currentRun = entry.lastSweep == sweeps - 1 ? entry.currentRun + 1 : 1
                    entry.lastSweep = sweeps
                    entry.thread.samplesInD += 1
                    entry.thread.lastSeenSeconds = now
                    entry.thread.longestRunSamples = max(entry.thread.longestRunSamples, entry.currentRun)
                    if let channel { entry.waitChannels[channel, default: 0] += 1 }
                    entry.thread.waitChannel = entry.waitChannels.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
                    tracked[identity] = entry
                } else {
                    var stack: [String] = []
                    do { stack = try procfs.kernelStack(task) } catch  where error.isPermissionDenied {
                        stackUnreadable = true
                    } catch {}
                    let thread = DStateThread(
                        pid: pid, tid: tid, comm: stat.comm, container: owner, firstSeenSeconds: now,
                        lastSeenSeconds: now, samplesInD: 1, longestRunSamples: 1, waitChannel: channel,
                        kernelStack: stack)
                    tracked[identity] = Tracked(
                        thread: thread, currentRun: 1, waitChannels: channel.map { [$0: 1] } ?? [:], lastSweep: sweeps)
                }
            }
        }
        return counts
    }

    /// Per-container D counts of the latest sweep.
    package private(set) var lastSweepCounts: [ContainerKey?: Int] = [:]

    /// Counts a sweep that was not run because no task was blocked on I/O (/proc/stat
    /// `procs_blocked` was 0): it breaks consecutive runs and finds nothing.
    package func recordIdleSweep() {
        sweeps += 1
        lastSweepCounts = [:]
    }

    /// Every thread seen in D so far, longest stay first.
    package var threads: [DStateThread] {
        tracked.values.map(\.thread).sorted { ($0.samplesInD, $1.tid) > ($1.samplesInD, $0.tid) }
    }
}
