#if canImport(Glibc)
import Glibc
#endif

/// What `periscope funccount PATTERN` counts, parsed: tracepoints or the functions of one binary.
///
/// Forms, as bcc's funccount writes them, prefixes optional:
/// - `[t:|tracepoint:]SUBSYSTEM:EVENT`, e.g. `syscalls:sys_enter_*`, `block:*`;
/// - `[u:|uprobe:]/PATH/TO/BINARY:FUNCTION`, e.g. `/usr/bin/dockerd:*Container*` (the function
///   is what follows the last `:`), or `[u:|uprobe:]LIBRARY:FUNCTION` with a library's short
///   name, e.g. `u:c:malloc` for libc's (found by `SharedLibraryLocator`); without the `u:`,
///   `c:malloc` is first a tracepoint and a library only when no tracepoint subsystem matches;
/// - `[p:|k:|kprobe:]FUNCTION`, kernel functions: refused, they need kprobes.
/// `*` and `?` are wildcards in the event and function parts.
package enum FunctionCountPattern: Sendable, Equatable, CustomStringConvertible {
    case tracepoint(subsystem: GlobPattern, event: GlobPattern)
    case userFunction(binary: String, function: GlobPattern)

    package var description: String {
        switch self {
        case .tracepoint(let subsystem, let event): return "\(subsystem):\(event)"
        case .userFunction(let binary, let function): return "\(binary):\(function)"
        }
    }

    /// Parses `text`; `kprobesAvailable` only words the refusal of kernel functions.
    package init(parsing text: String, kprobesAvailable: Bool = false) throws(FunctionCountError) {
        guard !text.isEmpty else { throw .badPattern(pattern: text, reason: "empty") }
        var body = Substring(text)
        var kind: Character?
        for (prefix, meaning) in [
            ("tracepoint:", "t"), ("t:", "t"), ("uprobe:", "u"), ("u:", "u"), ("kprobe:", "k"), ("p:", "k"),
            ("k:", "k")
        ] where body.hasPrefix(prefix) {
            kind = Character(meaning)
            body = body.dropFirst(prefix.count)
            break
        }
        if kind == nil { kind = body.hasPrefix("/") ? "u" : (body.contains(":") ? "t" : "k") }
        switch kind {
        case "k":
            throw .kernelFunctionsNeedKprobes(pattern: text, kprobesAvailable: kprobesAvailable)
        case "u":
            guard let colon = body.lastIndex(of: ":") else {
                throw .badPattern(pattern: text, reason: "a user function is written BINARY:FUNCTION")
            }
            let binary = String(body[..<colon])
            let function = String(body[body.index(after: colon)...])
            guard binary.hasPrefix("/") || Self.isLibraryName(binary) else {
                throw .badPattern(
                    pattern: text,
                    reason:
                        "give the binary's absolute path (e.g. /usr/bin/dockerd:*Container*) or a library's short name (e.g. c:malloc for libc)"
                )
            }
            guard !binary.contains("*") && !binary.contains("?") else {
                throw .badPattern(
                    pattern: text, reason: "wildcards are allowed in the function, not in the binary's path")
            }
            guard !function.isEmpty else {
                throw .badPattern(
                    pattern: text, reason: "no function after the binary's path (use * for every function)")
            }
            self = .userFunction(binary: binary, function: GlobPattern(function))
        default:
            let parts = body.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .badPattern(
                    pattern: text, reason: "a tracepoint is written SUBSYSTEM:EVENT (e.g. syscalls:sys_enter_*)")
            }
            // Names in tracefs are identifiers: anything else (a `/` or `..`) is refused, not looked up.
            for part in parts
            where !part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_*?".contains($0)) }) {
                throw .badPattern(
                    pattern: text,
                    reason: "\"\(part)\" is not a tracepoint name (letters, digits, _, and * ? wildcards)")
            }
            self = .tracepoint(subsystem: GlobPattern(String(parts[0])), event: GlobPattern(String(parts[1])))
        }
    }

    /// A library's short name as bcc takes it (`c`, `pthread`, `stdc++`): no path, no wildcard.
    static func isLibraryName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_+-.".contains($0)) }
            && name != "." && name != ".."
    }

    /// Whether this kernel has the kprobe PMU (only to word the refusal of kernel functions).
    package static func kprobesAvailable(sysfs: String = "/sys") -> Bool {
        access("\(sysfs)/bus/event_source/devices/kprobe", F_OK) == 0
    }
}
