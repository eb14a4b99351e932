#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// A failed bpf(2), perf_event_open(2) or tracefs step, worded so a user can act on it.
package enum BPFError: Error, Sendable, CustomStringConvertible {
    /// A system call failed: which step, and its errno.
    case systemCall(operation: String, errorNumber: Int32, advice: String)
    /// The verifier rejected a program: its log says which instruction and why.
    case verifierRejected(program: String, errorNumber: Int32, log: String)
    /// A map the program refers to is missing from the object.
    case unknownMap(program: String, map: String)
    /// A tracepoint does not exist (tracefs not mounted, or an older kernel without it).
    case tracepointMissing(subsystem: String, event: String, path: String)
    /// A tracepoint field the program reads is not where the program reads it.
    case tracepointLayoutChanged(event: String, field: String, expected: String, found: String)
    /// The object could not be parsed.
    case object(BPFObjectError)

    package var description: String {
        switch self {
        case .systemCall(let operation, let errorNumber, let advice):
            let base = "\(operation) failed: \(String(cString: strerror(errorNumber)))"
            return advice.isEmpty ? base : "\(base). \(advice)"
        case .verifierRejected(let program, let errorNumber, let log):
            return
                "the kernel's BPF verifier rejected program \(program) (\(String(cString: strerror(errorNumber)))):\n\(log)"
        case .unknownMap(let program, let map):
            return "program \(program) refers to map \(map), which the object does not define"
        case .tracepointMissing(let subsystem, let event, let path):
            return
                "tracepoint \(subsystem):\(event) not found (\(path)): is tracefs mounted at /sys/kernel/tracing, and does this kernel have the event?"
        case .tracepointLayoutChanged(let event, let field, let expected, let found):
            return
                "tracepoint \(event): field \(field) is \(found) on this kernel, the program reads \(expected): this kernel's layout is not supported"
        case .object(let error): return "BPF object: \(error)"
        }
    }

    /// Builds a system call error, explaining EPERM/EACCES (privileges) and ENOSYS/EINVAL (kernel).
    static func systemCall(
        _ operation: String, _ errorNumber: Int32, environment: BPFPrivileges = .current()
    ) -> BPFError {
        let advice: String
        switch errorNumber {
        case EPERM, EACCES: advice = environment.refusalAdvice()
        case ENOSYS:
            advice =
                "This kernel has no bpf(2) (CONFIG_BPF_SYSCALL is off): BPF tools cannot run here; use `periscope trace record` and `periscope analyze` instead."
        case E2BIG, EINVAL:
            advice =
                "The kernel (\(HostSystem.kernelRelease)) does not accept this request: it may be too old for this program (Linux 5.8 or later is needed)."
        case ENOMEM:
            advice = "The kernel refused the memory (RLIMIT_MEMLOCK on kernels before 5.11: raise `ulimit -l`)."
        case EMFILE, ENFILE: advice = "Too many open files: raise the limit (ulimit -n)."
        default: advice = ""
        }
        return .systemCall(operation: operation, errorNumber: errorNumber, advice: advice)
    }
}
