#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import BPF

/// The refusals say which privilege, kernel feature or layout is missing, and what to do.
@Suite struct BPFErrorMessageTests {
    static let capabilityPerfmon: UInt64 = 1 << 38
    static let capabilityBPF: UInt64 = 1 << 39
    static let capabilitySysAdmin: UInt64 = 1 << 21

    @Test func unprivilegedUserIsToldTheCapabilitiesAndTheFix() {
        let nobody = BPFPrivileges(effectiveUserID: 65534, effectiveCapabilities: 0)
        #expect(nobody.canLoadTracingPrograms == false)
        let advice = nobody.refusalAdvice()
        #expect(advice.contains("Not root (uid 65534"))
        #expect(advice.contains("missing: CAP_BPF, CAP_PERFMON"))
        #expect(advice.contains("setcap cap_bpf,cap_perfmon+ep"))
    }

    @Test func rootWithoutCapabilitiesIsToldItLooksLikeAContainer() {
        let advice = BPFPrivileges(effectiveUserID: 0, effectiveCapabilities: Self.capabilityPerfmon).refusalAdvice()
        #expect(advice.contains("Running as root without the capabilities"))
        #expect(advice.contains("missing: CAP_BPF)"))
    }

    @Test func capabilitiesPresentPointsAtSeccompOrLockdown() {
        for mask in [Self.capabilitySysAdmin, Self.capabilityBPF | Self.capabilityPerfmon] {
            let privileges = BPFPrivileges(effectiveUserID: 1000, effectiveCapabilities: mask)
            #expect(privileges.canLoadTracingPrograms == true)
            #expect(privileges.refusalAdvice().contains("seccomp filter or security module"))
        }
        #expect(
            BPFPrivileges(effectiveUserID: 1000, effectiveCapabilities: Self.capabilityBPF).canLoadTracingPrograms
                == false)
        #expect(BPFPrivileges(effectiveUserID: 1000, effectiveCapabilities: nil).canLoadTracingPrograms == nil)
    }

    @Test func kernelErrorsNameTheKernel() {
        let privileges = BPFPrivileges(effectiveUserID: 0, effectiveCapabilities: ~0)
        #expect(
            BPFError.systemCall("bpf(BPF_PROG_LOAD x)", EINVAL, environment: privileges).description.contains("too old")
        )
        #expect(
            BPFError.systemCall("bpf(BPF_MAP_CREATE x)", ENOSYS, environment: privileges).description.contains(
                "CONFIG_BPF_SYSCALL"))
        #expect(
            BPFError.systemCall("bpf(BPF_MAP_CREATE x)", EPERM, environment: privileges).description.contains(
                "Operation not permitted. This process has CAP_BPF"))
    }

    @Test func missingTracepointAndChangedLayoutAreNamed() {
        let missing = BPFError.tracepointMissing(
            subsystem: "sched", event: "sched_switch", path: "/sys/kernel/tracing/events/sched/sched_switch/id")
        #expect(missing.description.contains("tracepoint sched:sched_switch not found"))
        let moved = BPFError.tracepointLayoutChanged(
            event: "sched:sched_switch", field: "next_pid", expected: "offset 56, 4 bytes", found: "offset 60, 4 bytes")
        #expect(
            moved.description.contains(
                "field next_pid is offset 60, 4 bytes on this kernel, the program reads offset 56, 4 bytes"))
    }
}
