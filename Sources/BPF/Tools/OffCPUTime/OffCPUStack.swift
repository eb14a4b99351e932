import Profiling

/// One symbolized off-CPU stack: who was waiting, where, and for how long.
package struct OffCPUStack: Sendable, Equatable {
    /// The container's name (`host` for host processes), nil when one container was asked for.
    package var container: String?
    package var containerID: String?
    package var processID: Int32
    /// The process's name (`comm`).
    package var command: String
    /// User frames, root first (`main`, ..., the libc call that blocked).
    package var userFrames: [String]
    /// Kernel frames, root first (`entry_SYSCALL_64`, ..., `__schedule`), without the `_[k]` mark.
    package var kernelFrames: [String]
    package var nanoseconds: UInt64

    package init(
        container: String?, containerID: String?, processID: Int32, command: String, userFrames: [String],
        kernelFrames: [String], nanoseconds: UInt64
    ) {
        self.container = container
        self.containerID = containerID
        self.processID = processID
        self.command = command
        self.userFrames = userFrames
        self.kernelFrames = kernelFrames
        self.nanoseconds = nanoseconds
    }

    /// The frames as folded stacks write them, root first: `[container;]command;user...;kernel_[k]...`
    /// (the `_[k]` mark is what flame graphs colour kernel frames by, as `stackcollapse-perf.pl --kernel`).
    package var foldedFrames: [String] {
        var frames: [String] = []
        if let container { frames.append(container) }
        frames.append(command)
        frames.append(contentsOf: userFrames)
        frames.append(contentsOf: kernelFrames.map { $0 + Self.kernelMark })
        return frames.map(Self.cleaned)
    }

    static let kernelMark = "_[k]"

    /// Longest off-CPU time first; ties by process, then frames, so output is stable.
    package static func largestFirst(_ lhs: OffCPUStack, _ rhs: OffCPUStack) -> Bool {
        if lhs.nanoseconds != rhs.nanoseconds { return lhs.nanoseconds > rhs.nanoseconds }
        if lhs.processID != rhs.processID { return lhs.processID < rhs.processID }
        return lhs.foldedFrames.joined(separator: ";") < rhs.foldedFrames.joined(separator: ";")
    }
    static let missedUserStack = "[missed user stack]"
    static let missedKernelStack = "[missed kernel stack]"

    /// `;` and line breaks would break a folded line.
    static func cleaned(_ frame: String) -> String {
        String(frame.map { $0 == ";" || $0 == "\n" || $0 == "\r" ? "_" : $0 })
    }

    /// Folded stacks in microseconds (what bcc's `offcputime -f` counts and `flamegraph.pl
    /// --countname=us` expects); stacks that fold to the same line are merged before the
    /// nanoseconds are rounded, so many short waits do not round away.
    package static func folded(_ stacks: [OffCPUStack]) -> [FoldedStack] {
        var nanosecondsByLine: [[String]: UInt64] = [:]
        var order: [[String]] = []
        for stack in stacks {
            let frames = stack.foldedFrames
            if nanosecondsByLine[frames] == nil { order.append(frames) }
            nanosecondsByLine[frames, default: 0] &+= stack.nanoseconds
        }
        return order.compactMap { frames in
            let microseconds = (nanosecondsByLine[frames] ?? 0) / 1000
            return microseconds == 0 ? nil : FoldedStack(frames: frames, count: microseconds)
        }.sorted { $0.stack.lexicographicallyPrecedes($1.stack) }
    }
}
