import CLinuxSupport
#if canImport(Glibc)
import Glibc
#endif

/// A program attached to a tracepoint through a perf event: PERF_TYPE_TRACEPOINT with the
/// event's tracefs id, PERF_EVENT_IOC_SET_BPF, PERF_EVENT_IOC_ENABLE. Closing the perf event's
/// descriptor (or the process exiting, however it exits) detaches the program.
package final class TracepointLink {
    package let subsystem: String
    package let event: String
    package private(set) var descriptor: Int32

    init(program: BPFProgram, subsystem: String, event: String, tracefs: String) throws(BPFError) {
        let identifier = try TracepointFormat.identifier(subsystem: subsystem, event: event, tracefs: tracefs)
        let fd = periscope_perf_event_open_tracepoint(identifier)
        guard fd >= 0 else { throw .systemCall("perf_event_open(tracepoint \(subsystem):\(event))", -fd) }
        let attached = periscope_perf_event_attach_bpf(fd, program.descriptor)
        guard attached == 0 else {
            _ = Glibc.close(fd)
            throw .systemCall("ioctl(PERF_EVENT_IOC_SET_BPF, \(subsystem):\(event))", -attached)
        }
        self.subsystem = subsystem
        self.event = event
        self.descriptor = fd
    }

    deinit { close() }

    /// Detaches: closes the perf event (idempotent).
    package func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }
}
