#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// The kernel's `uprobe` perf PMU (Linux 4.17+): its dynamic type number, from
/// /sys/bus/event_source/devices/uprobe/type. Probes opened through it are private to their
/// perf event: nothing is added to tracefs' uprobe_events, so nothing can be left behind there.
package struct UprobePMU: Sendable, Equatable {
    /// perf_event_attr.type for uprobes.
    package var type: UInt32

    package init(type: UInt32) { self.type = type }

    /// Reads the PMU's type; throws a refusal that says what is missing.
    package static func read(sysfs: String = "/sys") throws(BPFError) -> UprobePMU {
        let path = "\(sysfs)/bus/event_source/devices/uprobe/type"
        guard let text = readSmallFile(path), let type = UInt32(text.split(separator: "\n").first ?? "") else {
            throw .systemCall(
                operation: "reading \(path)", errorNumber: ENOENT,
                advice:
                    "This kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS is off, or Linux before 4.17): user functions cannot be counted here; count tracepoints instead."
            )
        }
        return UprobePMU(type: type)
    }
}
