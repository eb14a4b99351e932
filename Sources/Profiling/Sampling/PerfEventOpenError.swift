#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A perf_event_open, mmap or ioctl failure, worded so a user can fix it.
package struct PerfEventOpenError: Error, Sendable, CustomStringConvertible {
    /// The step that failed (`perf_event_open(cpu-clock, cpu 1)`, `mmap`...).
    package var operation: String
    /// The errno of the failure.
    package var errorNumber: Int32
    /// What to do about it.
    package var advice: String

    package var description: String {
        let name = String(cString: strerror(errorNumber))
        return advice.isEmpty ? "\(operation) failed: \(name)" : "\(operation) failed: \(name). \(advice)"
    }

    /// Builds the error, adding the permission explanation for EACCES and EPERM.
    package init(operation: String, errorNumber: Int32, environment: PerfPermissionEnvironment = .current()) {
        self.operation = operation
        self.errorNumber = errorNumber
        switch errorNumber {
        case EACCES, EPERM:
            advice = environment.permissionAdvice()
        case ENOENT, ENODEV, EOPNOTSUPP:
            advice =
                operation.contains("cycles")
                ? "This CPU (or its hypervisor) exposes no hardware cycles counter: use --event cpu-clock."
                : "This kernel does not offer the software cpu-clock sampling event (is CONFIG_PERF_EVENTS enabled?)."
        case EMFILE, ENFILE:
            advice = "Too many open files: raise the limit (ulimit -n) — one descriptor is needed per CPU."
        case ENOMEM:
            advice =
                "The kernel refused the ring buffer memory: raise /proc/sys/kernel/perf_event_mlock_kb or run as root."
        default:
            advice = ""
        }
    }
}

/// What decides whether perf_event_open is allowed, read once for the error message.
package struct PerfPermissionEnvironment: Sendable, Equatable {
    /// The effective user id.
    package var effectiveUserID: UInt32
    /// `/proc/sys/kernel/perf_event_paranoid`, nil when unreadable.
    package var paranoidLevel: Int?
    /// The `Seccomp:` mode of `/proc/self/status` (2 = filter), nil when unknown.
    package var seccompMode: Int?
    /// Whether this process looks like it runs in a container (`/.dockerenv`, a container
    /// cgroup path, or `container=` in the environment).
    package var isInContainer: Bool
    /// The `CapEff:` mask of `/proc/self/status`, nil when unknown.
    package var effectiveCapabilities: UInt64?
    /// What suggested a container (`/.dockerenv exists`, `cgroup /docker/...`).
    package var containerEvidence: String?

    /// Capability bit numbers (linux/capability.h).
    static let capabilitySysAdmin: UInt64 = 21
    static let capabilityPerfmon: UInt64 = 38

    package init(
        effectiveUserID: UInt32, paranoidLevel: Int?, seccompMode: Int?, isInContainer: Bool,
        effectiveCapabilities: UInt64? = nil
    ) {
        self.effectiveUserID = effectiveUserID
        self.paranoidLevel = paranoidLevel
        self.seccompMode = seccompMode
        self.isInContainer = isInContainer
        self.effectiveCapabilities = effectiveCapabilities
    }

    /// Reads the live values.
    package static func current() -> PerfPermissionEnvironment {
        func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
        let paranoid = text("/proc/sys/kernel/perf_event_paranoid").flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let status = text("/proc/self/status")?.split(separator: "\n") ?? []
        func field(_ name: String) -> String? {
            status.first { $0.hasPrefix(name) }.map { $0.dropFirst(name.count).trimmingCharacters(in: .whitespaces) }
        }
        let seccomp = field("Seccomp:").flatMap { Int($0) }
        let capabilities = field("CapEff:").flatMap { UInt64($0, radix: 16) }
        let cgroup = text("/proc/self/cgroup") ?? ""
        // Signs of a container, named in the advice so the user can judge them (/.dockerenv
        // also survives on VMs and hosts built from Docker images).
        var evidence: String?
        if access("/run/.containerenv", F_OK) == 0 {
            evidence = "/run/.containerenv exists"
        } else if let line = cgroup.split(separator: "\n").first(where: {
            $0.contains("/docker") || $0.contains("kubepods") || $0.contains("libpod") || $0.contains("lxc.payload")
        }) {
            evidence = "cgroup \(line.split(separator: ":", maxSplits: 2).last ?? "")"
        } else if access("/.dockerenv", F_OK) == 0 {
            evidence = "/.dockerenv exists"
        } else if let value = ProcessInfo.processInfo.environment["container"] {
            evidence = "container=\(value) in the environment"
        }
        var environment = PerfPermissionEnvironment(
            effectiveUserID: geteuid(), paranoidLevel: paranoid, seccompMode: seccomp, isInContainer: evidence != nil,
            effectiveCapabilities: capabilities)
        environment.containerEvidence = evidence
        return environment
    }

    /// Whether CAP_PERFMON or CAP_SYS_ADMIN is effective (nil when unknown).
    package var hasPerfCapability: Bool? {
        effectiveCapabilities.map {
            $0 & (1 << Self.capabilityPerfmon) != 0 || $0 & (1 << Self.capabilitySysAdmin) != 0
        }
    }

    /// Why sampling every CPU was refused and what to do, naming the culprit: missing root or
    /// CAP_PERFMON, perf_event_paranoid, or seccomp/a container. Never just "not permitted".
    package func permissionAdvice() -> String {
        var parts: [String] = []
        let paranoidText = paranoidLevel.map { "\($0)" } ?? "unreadable"
        let capabilityText = effectiveCapabilities.map { "CapEff 0x\(String($0, radix: 16))" } ?? "capabilities unknown"
        switch (effectiveUserID == 0, hasPerfCapability) {
        case (false, true?):
            parts.append(
                "This user has CAP_PERFMON/CAP_SYS_ADMIN (\(capabilityText)), so perf_event_paranoid (\(paranoidText)) is not the cause: a seccomp filter or security module (SELinux, AppArmor) refuses perf_event_open."
            )
        case (false, _):
            parts.append(
                "Not root: profiling every CPU needs root or CAP_PERFMON (Linux 5.8+; CAP_SYS_ADMIN before), or kernel.perf_event_paranoid <= 0 (it is \(paranoidText)\(paranoidLevel.map { $0 > 2 ? ", which forbids perf_event_open to unprivileged users altogether" : "" } ?? "")). Run with sudo, `setcap cap_perfmon+ep periscope`, or `sysctl kernel.perf_event_paranoid=0`."
            )
        case (true, false?):
            parts.append(
                "Running as root but without CAP_PERFMON or CAP_SYS_ADMIN (\(capabilityText)): root in a user namespace or with dropped capabilities, as in a container. perf_event_paranoid is \(paranoidText)."
            )
        case (true, _):
            parts.append(
                "Running as root with CAP_PERFMON/CAP_SYS_ADMIN (\(capabilityText)), yet refused: a seccomp filter or security module (SELinux, AppArmor, perf_event_paranoid \(paranoidText) on a kernel patched to deny even root) blocks perf_event_open."
            )
        }
        if seccompMode == 2 || isInContainer {
            let seccompText =
                seccompMode == 2
                ? "runs under a seccomp filter (Seccomp: 2 in /proc/self/status)" : "has no seccomp filter"
            let containerText =
                isInContainer ? "seems to run in a container (\(containerEvidence ?? "detected")) and " : ""
            parts.append(
                "This process \(containerText)\(seccompText): Docker's default seccomp profile and dropped capabilities block perf_event_open in containers. Profile from the host, or start the container with --cap-add PERFMON (or SYS_ADMIN) and --security-opt seccomp=unconfined."
            )
        }
        return parts.joined(separator: " ")
    }
}
