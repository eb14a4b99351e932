/// A histogram the agent can keep loaded (`periscope serve --bpf`, `periscope record --bpf`),
/// by the name of the command that shows it once.
package enum ContinuousLatencyKind: String, CaseIterable, Sendable, Hashable {
    /// Run-queue latency of woken tasks, by their container (runqlat.bpf.c).
    case runQueue = "runqlat"
    /// Block I/O latency, by the issuing container, every disk summed (biolatency.bpf.c).
    case blockIO = "biolatency"

    /// Parses `runqlat,biolatency` (or `none`); the error names the valid values.
    package static func parseList(_ text: String) throws(ContinuousLatencyListError) -> [ContinuousLatencyKind] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters() }
        if names == ["none"] { return [] }
        var kinds: [ContinuousLatencyKind] = []
        for name in names {
            guard let kind = ContinuousLatencyKind(rawValue: name) else { throw ContinuousLatencyListError(name: name) }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        if kinds.isEmpty { throw ContinuousLatencyListError(name: text) }
        return kinds
    }
}

/// A `--bpf` value that names no histogram.
package struct ContinuousLatencyListError: Error, CustomStringConvertible {
    package var name: String
    package var description: String {
        "--bpf takes a comma-separated list of \(ContinuousLatencyKind.allCases.map(\.rawValue).joined(separator: ", ")), or none; not '\(name)'"
    }
}
