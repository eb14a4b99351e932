import Profiling

/// Names the frames of raw off-CPU stacks with the profiler's symbolizer: kernel addresses
/// through /proc/kallsyms, user addresses through the process's maps and the ELF files it
/// mapped, opened through its own root, so a binary that exists only inside a container is
/// named from that container's copy.
package struct OffCPUStackSymbolizer {
    package let symbolizer: Symbolizer

    package init(symbolizer: Symbolizer) {
        self.symbolizer = symbolizer
    }

    /// Loads /proc/kallsyms (addresses read as zero without root or with kptr_restrict).
    package init(kallsymsPath: String = "/proc/kallsyms", procRoot: String = "/proc") throws {
        self.init(symbolizer: Symbolizer(kernel: try KernelSymbols.load(path: kallsymsPath), procRoot: procRoot))
    }

    /// Reads what symbolizing `pid` needs (maps, name, root) while it is alive.
    package func prepare(pid: Int32) { symbolizer.prepare(pid: pid) }

    /// Frames of the tracepoint dispatch and the BPF program, above `__schedule` in a stack
    /// taken at sched_switch.
    static func isTracingFrame(_ name: String) -> Bool {
        name.hasPrefix("__traceiter_") || name.hasPrefix("bpf_trace_run") || name.hasPrefix("bpf_prog_")
            || name.hasPrefix("perf_trace_")
    }

    /// The stacks symbolized, largest first (ties by process and frames).
    package func symbolize(_ totals: OffCPUStackTotals) -> [OffCPUStack] {
        var stacks: [OffCPUStack] = []
        stacks.reserveCapacity(totals.nanosecondsByStack.count)
        for (raw, nanoseconds) in totals.nanosecondsByStack {
            let chain = raw.callchain
            var kernelFrames: [String] = []
            var userFrames: [String] = []
            if !chain.isEmpty {
                let sample = PerfSample(
                    instructionPointer: raw.kernelAddresses.first ?? raw.userAddresses.first ?? 0, pid: raw.processID,
                    tid: raw.processID, timeNanoseconds: 0, cpu: 0, period: 0, callchain: chain)
                for frame in symbolizer.frames(of: sample) {
                    if frame.hasSuffix(OffCPUStack.kernelMark) {
                        kernelFrames.append(String(frame.dropLast(OffCPUStack.kernelMark.count)))
                    } else {
                        userFrames.append(frame)
                    }
                }
            }
            // The walk starts in the tracepoint's own machinery (`__traceiter_sched_switch`): not the task's.
            while let leaf = kernelFrames.last, Self.isTracingFrame(leaf) { kernelFrames.removeLast() }
            if raw.userStackMissing { userFrames.insert(OffCPUStack.missedUserStack, at: 0) }
            if raw.kernelStackMissing { kernelFrames.append(OffCPUStack.missedKernelStack) }
            stacks.append(
                OffCPUStack(
                    container: raw.owner?.displayName, containerID: raw.owner?.key?.id, processID: raw.processID,
                    command: symbolizer.command(of: raw.processID), userFrames: userFrames, kernelFrames: kernelFrames,
                    nanoseconds: nanoseconds))
        }
        return stacks.sorted(by: OffCPUStack.largestFirst)
    }
}
