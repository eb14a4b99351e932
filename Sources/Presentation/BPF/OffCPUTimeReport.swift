import BPF
import Profiling

/// What `periscope offcputime` prints: off-CPU time by stack, as bcc's offcputime lists it,
/// as folded stacks (µs) or as an off-CPU flame graph (`flamegraph.pl --color=io --countname=us`).
package struct OffCPUTimeReport: Encodable {
    package struct Stack: Encodable, Equatable {
        package var container: String?
        package var containerID: String?
        package var pid: Int32
        package var command: String
        /// Root first.
        package var userFrames: [String]
        /// Root first, without the `_[k]` mark.
        package var kernelFrames: [String]
        package var microseconds: Double
    }

    /// The container asked for (nil: every task on the host).
    package var container: String?
    package var containerID: String?
    package var durationSeconds: Double
    package var totalMicroseconds: Double
    /// Longest first.
    package var stacks: [Stack]
    /// The same stacks as folded lines (not encoded: `--folded` prints them).
    let folded: [FoldedStack]

    enum CodingKeys: String, CodingKey {
        case container, containerID, durationSeconds, totalMicroseconds, stacks
    }

    package init(stacks: [OffCPUStack], container: String?, containerID: String?, durationSeconds: Double) {
        self.container = container
        self.containerID = containerID
        self.durationSeconds = durationSeconds
        let ordered = stacks.sorted(by: OffCPUStack.largestFirst)
        self.stacks = ordered.map {
            Stack(
                container: $0.container, containerID: $0.containerID, pid: $0.processID, command: $0.command,
                userFrames: $0.userFrames, kernelFrames: $0.kernelFrames, microseconds: Double($0.nanoseconds) / 1000)
        }
        self.totalMicroseconds = Double(stacks.reduce(0) { $0 &+ $1.nanoseconds }) / 1000
        self.folded = OffCPUStack.folded(stacks)
    }

    /// bcc offcputime's default listing: per stack the kernel frames leaf first, `--`, the user
    /// frames leaf first, `-  command (pid)`, then the microseconds; the longest stack last,
    /// where the terminal leaves it in view.
    package func text() -> String {
        var text = ""
        for stack in stacks.reversed() {
            for frame in stack.kernelFrames.reversed() { text += "    \(frame)\n" }
            if !stack.kernelFrames.isEmpty && !stack.userFrames.isEmpty { text += "    --\n" }
            for frame in stack.userFrames.reversed() { text += "    \(frame)\n" }
            let owner = stack.container.map { " [\($0)]" } ?? ""
            text += "    -                \(stack.command) (\(stack.pid))\(owner)\n"
            text += "        \(Int((stack.microseconds).rounded()))\n\n"
        }
        if stacks.isEmpty { text += "(no off-CPU time recorded)\n" }
        return text
    }

    /// `frame;frame;... microseconds` lines, root first.
    package func foldedText() -> [UInt8] { FoldedStacks(stacks: folded).text() }

    /// The off-CPU flame graph (blue "io" palette, counts in µs, kernel frames marked).
    package func flameGraph() -> [UInt8] {
        var options = FlameGraphOptions()
        options.title = "Off-CPU Time Flame Graph" + (container.map { ": \($0)" } ?? "")
        options.countName = "us"
        options.palette = .io
        return FlameGraphSVG(stacks: folded, options: options).bytes
    }
}
