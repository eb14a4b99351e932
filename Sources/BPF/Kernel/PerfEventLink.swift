import CLinuxSupport
#if canImport(Glibc)
import Glibc
#endif

/// A program attached to a perf event (a tracepoint or a uprobe) through a BPF link that carries
/// a cookie: one program serves many probes and reads which one fired with
/// bpf_get_attach_cookie().
///
/// Only the link's descriptor is kept: the link holds the perf event, so one descriptor per
/// probe is open, and closing it (or the process exiting, even by SIGKILL) detaches the
/// program and removes the probe.
package final class PerfEventLink {
    /// What the program reads with bpf_get_attach_cookie().
    package let cookie: UInt64
    /// The link's descriptor; -1 once closed.
    package private(set) var descriptor: Int32

    /// Links `program` to the open perf event `perfDescriptor`, which is closed here whatever
    /// happens (on success the link holds it). `what` names the probe in errors.
    init(program: BPFProgram, perfDescriptor: Int32, cookie: UInt64, what: String) throws(BPFError) {
        defer { _ = Glibc.close(perfDescriptor) }
        let fd = periscope_bpf_link_create_perf_event(program.descriptor, perfDescriptor, cookie)
        guard fd >= 0 else { throw .systemCall("bpf(BPF_LINK_CREATE \(what))", -fd) }
        self.cookie = cookie
        self.descriptor = fd
    }

    /// Attaches `program` to tracepoint `subsystem:event`.
    package static func tracepoint(
        program: BPFProgram, subsystem: String, event: String, cookie: UInt64,
        tracefs: String = "/sys/kernel/tracing"
    ) throws(BPFError) -> PerfEventLink {
        let identifier = try TracepointFormat.identifier(subsystem: subsystem, event: event, tracefs: tracefs)
        let fd = periscope_perf_event_open_tracepoint(identifier)
        guard fd >= 0 else { throw .systemCall("perf_event_open(tracepoint \(subsystem):\(event))", -fd) }
        return try PerfEventLink(program: program, perfDescriptor: fd, cookie: cookie, what: "\(subsystem):\(event)")
    }

    /// Attaches `program` to a uprobe at `fileOffset` of the file at `path` (resolved by the
    /// kernel in this process's mount namespace: pass `/proc/self/fd/N` of a file opened safely).
    package static func uprobe(
        program: BPFProgram, pmu: UprobePMU, path: String, fileOffset: UInt64, cookie: UInt64, what: String
    ) throws(BPFError) -> PerfEventLink {
        let fd = periscope_perf_event_open_probe(pmu.type, 0, path, fileOffset)
        guard fd >= 0 else {
            throw .systemCall("perf_event_open(uprobe \(what) at file offset 0x\(String(fileOffset, radix: 16)))", -fd)
        }
        return try PerfEventLink(program: program, perfDescriptor: fd, cookie: cookie, what: what)
    }

    deinit { close() }

    /// Detaches: closes the link (idempotent).
    package func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }
}
