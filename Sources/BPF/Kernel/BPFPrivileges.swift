#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// What decides whether this process may load BPF programs, read once for error messages.
///
/// Loading tracing programs needs root, or CAP_BPF plus CAP_PERFMON (Linux 5.8+; CAP_SYS_ADMIN
/// before); `kernel.unprivileged_bpf_disabled` does not help tracing programs either way.
package struct BPFPrivileges: Sendable, Equatable {
    package var effectiveUserID: UInt32
    /// The `CapEff:` mask of /proc/self/status, nil when unreadable.
    package var effectiveCapabilities: UInt64?

    static let capabilitySysAdmin: UInt64 = 21
    static let capabilityPerfmon: UInt64 = 38
    static let capabilityBPF: UInt64 = 39

    package init(effectiveUserID: UInt32, effectiveCapabilities: UInt64?) {
        self.effectiveUserID = effectiveUserID
        self.effectiveCapabilities = effectiveCapabilities
    }

    /// Reads this process's values.
    package static func current() -> BPFPrivileges {
        var capabilities: UInt64?
        if let status = readSmallFile("/proc/self/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") })
        {
            capabilities = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(), radix: 16)
        }
        return BPFPrivileges(effectiveUserID: geteuid(), effectiveCapabilities: capabilities)
    }

    func has(_ bit: UInt64) -> Bool { (effectiveCapabilities ?? 0) & (1 << bit) != 0 }

    /// Whether loading and attaching tracing programs should be allowed: CAP_SYS_ADMIN, or
    /// CAP_BPF with CAP_PERFMON. Nil when the capabilities are unknown.
    package var canLoadTracingPrograms: Bool? {
        guard effectiveCapabilities != nil else { return nil }
        return has(Self.capabilitySysAdmin) || (has(Self.capabilityBPF) && has(Self.capabilityPerfmon))
    }

    /// Why the kernel refused, and what to do: never a bare "Operation not permitted".
    package func refusalAdvice() -> String {
        let capabilityText = effectiveCapabilities.map { "CapEff 0x\(String($0, radix: 16))" } ?? "capabilities unknown"
        var missing: [String] = []
        if !has(Self.capabilityBPF) { missing.append("CAP_BPF") }
        if !has(Self.capabilityPerfmon) { missing.append("CAP_PERFMON") }
        let missingText = missing.isEmpty ? "" : " (missing: \(missing.joined(separator: ", ")))"
        if canLoadTracingPrograms == true {
            return
                "This process has CAP_BPF/CAP_PERFMON or CAP_SYS_ADMIN (\(capabilityText)), so a seccomp filter or security module (lockdown, SELinux, AppArmor) refuses bpf(2) or perf_event_open(2); in a container, run with --privileged or --cap-add BPF --cap-add PERFMON and seccomp=unconfined."
        }
        let who =
            effectiveUserID == 0
            ? "Running as root without the capabilities (\(capabilityText)), as in a container or a user namespace"
            : "Not root (uid \(effectiveUserID), \(capabilityText))"
        return
            "\(who)\(missingText): BPF tracing needs root, or CAP_BPF and CAP_PERFMON (Linux 5.8+; CAP_SYS_ADMIN before). Run with sudo, or `setcap cap_bpf,cap_perfmon+ep periscope`."
    }

}

/// A small file's text, nil when unreadable or larger than `limit`.
func readSmallFile(_ path: String, limit: Int = 1 << 16) -> String? {
    (try? KernelFileReader.bytes(of: path, maximumBytes: limit)).map { String(decoding: $0, as: UTF8.self) }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed())
    }
}
