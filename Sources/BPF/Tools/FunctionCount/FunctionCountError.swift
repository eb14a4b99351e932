/// Why `funccount` refused a pattern or could not resolve it: each case says what to do.
package enum FunctionCountError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pattern is empty or malformed.
    case badPattern(pattern: String, reason: String)
    /// The pattern names kernel functions, which need kprobes.
    case kernelFunctionsNeedKprobes(pattern: String, kprobesAvailable: Bool)
    /// No tracepoint or function matches.
    case nothingMatches(pattern: String, searched: String)
    /// More probes than the cap: bcc refuses the same way (its limit is 1000 open probes).
    case tooManyProbes(pattern: String, matched: Int, maximum: Int)
    /// The binary could not be opened or is not an ELF file with symbols.
    case binaryUnreadable(path: String, place: String, reason: String)

    package var description: String {
        switch self {
        case .badPattern(let pattern, let reason): return "pattern \"\(pattern)\": \(reason)"
        case .kernelFunctionsNeedKprobes(let pattern, let available):
            let kernel =
                available
                ? "counting kernel functions needs kprobes, which periscope does not attach"
                : "counting kernel functions needs kprobes, and this kernel has none (no /sys/bus/event_source/devices/kprobe)"
            return
                "pattern \"\(pattern)\": \(kernel); count tracepoints (`periscope funccount 'syscalls:sys_enter_*'`) or user functions (`periscope funccount '/usr/bin/dockerd:*Container*'`) instead"
        case .nothingMatches(let pattern, let place):
            return "pattern \"\(pattern)\" matches nothing in \(place)"
        case .tooManyProbes(let pattern, let matched, let maximum):
            return
                "pattern \"\(pattern)\" matches \(matched) probes, more than the maximum of \(maximum) (each one traps on every call): narrow the pattern, or raise --max-probes"
        case .binaryUnreadable(let path, let place, let reason):
            return "cannot read \(path) in \(place): \(reason)"
        }
    }
}
