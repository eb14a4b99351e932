#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

extension TraceMetadata {
    /// The metadata of a capture made through `session`, with the loss counters read now.
    init(
        session: TraceSession, copiers: [RawPageCopier], mode: String, startNs: UInt64, endNs: UInt64,
        realtimeOffsetNs: Int64,
        containerFilter: [FilteredContainer], snapshotTrigger: String?, commandLine: [String],
        bufferGrowths: [BufferGrowth] = []
    ) {
        let stats = session.cpuStats()
        let streams = copiers.map { copier in
            let cpuStats = stats[copier.cpu] ?? CPUBufferStats()
            return CPUStreamSummary(
                cpu: copier.cpu, pageCount: Int(copier.bytesWritten / UInt64(copier.pageSize)),
                byteCount: copier.bytesWritten,
                overrunCount: cpuStats.overrun, droppedEventCount: cpuStats.droppedEvents,
                commitOverrunCount: cpuStats.commitOverrun,
                overwritesOldest: session.options.overwriteOldest)
        }
        self.init(
            hostname: HostSystem.hostname, kernelRelease: HostSystem.kernelRelease, machine: HostSystem.machine,
            onlineCPUs: session.onlineCPUs, clock: "mono", realtimeOffsetNs: realtimeOffsetNs,
            pageSizeBytes: session.pageSize,
            bufferSizeKBPerCPU: session.bufferSizeKBPerCPU, bufferGrowths: bufferGrowths.isEmpty ? nil : bufferGrowths,
            tracepoints: session.recordedTracepoints,
            startNs: startNs, endNs: endNs, mode: mode, containerFilter: containerFilter,
            cpuStreams: streams, snapshotTrigger: snapshotTrigger, commandLine: commandLine)
    }
}
