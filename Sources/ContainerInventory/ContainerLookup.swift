/// What a user typed to name a container resolved against a snapshot: a name, a full id,
/// an id prefix, or any host PID of one of its processes.
public enum ContainerLookup {
    /// Why a name did not resolve, in words a user can act on.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case notFound(query: String, known: [String])
        case ambiguous(query: String, candidates: [String])
        case processNotFound(pid: Int32)

        public var description: String {
            switch self {
            case .notFound(let query, let known):
                let list = known.isEmpty ? "no containers are running" : "running: \(known.prefix(12).joined(separator: ", "))"
                return "no running container matches '\(query)' (\(list))"
            case .ambiguous(let query, let candidates):
                return "'\(query)' matches several containers: \(candidates.joined(separator: ", ")); give more of the id or the full name"
            case .processNotFound(let pid):
                return "no process with PID \(pid) (it may have exited)"
            }
        }
    }

    /// Resolves `query`; a number is taken as a host PID first.
    public static func resolve(_ query: String, in snapshot: InventorySnapshot) -> Result<Container, Failure> {
        if let pid = Int32(query) {
            if let process = snapshot.processes.first(where: { $0.pid == pid }),
               let container = snapshot.container(process.container) {
                return .success(container)
            }
            if !snapshot.containers.contains(where: { $0.id.hasPrefix(query) }) { return .failure(.processNotFound(pid: pid)) }
        }
        if query == "host" { return .success(snapshot.host) }
        if let exact = snapshot.containers.first(where: { $0.name == query || $0.id == query }) { return .success(exact) }
        let byPrefix = snapshot.containers.filter { $0.id.hasPrefix(query) }
        if byPrefix.count == 1 { return .success(byPrefix[0]) }
        if byPrefix.count > 1 {
            return .failure(.ambiguous(query: query, candidates: byPrefix.map { "\($0.shortID) (\($0.displayName))" }))
        }
        return .failure(.notFound(query: query, known: snapshot.containers.map(\.displayName)))
    }
}
