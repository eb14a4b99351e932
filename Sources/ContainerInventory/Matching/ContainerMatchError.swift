#if canImport(Glibc)
import Glibc
#endif

/// Why a container argument named no container or several, in words a user can act on. The
/// one error of `ContainerMatcher`, for running and recorded containers alike.
public enum ContainerMatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the candidates came from: running containers, or a recording (a saved window, a
    /// trace, the recorder's store) described as "the saved window /tmp/w.json".
    public enum Scope: Sendable, Equatable {
        case running
        case recorded(String)
    }

    case notFound(query: String, known: [String], scope: Scope)
    case ambiguous(query: String, candidates: [String], scope: Scope)
    case processNotFound(pid: Int32)
    /// Not found while some containers have no name because their runtime's metadata
    /// was unreadable (without root: the Docker socket and /var/lib/docker are root's).
    case namesUnreadable(query: String, unnamed: [String], reason: String)

    public var description: String {
        switch self {
        case .notFound(let query, let known, .running):
            let list =
                known.isEmpty ? "no containers are running" : "running: \(known.prefix(12).joined(separator: ", "))"
            return "no running container matches '\(query)' (\(list))"
        case .notFound(let query, let known, .recorded(let source)):
            let list =
                known.isEmpty
                ? "it has no containers; `host` names the host" : "it has: \(known.prefix(12).joined(separator: ", "))"
            return "no container in \(source) matches '\(query)' (\(list))"
        case .ambiguous(let query, let candidates, let scope):
            let place = if case .recorded(let source) = scope { " in \(source)" } else { "" }
            return
                "'\(query)' matches several containers\(place): \(candidates.joined(separator: ", ")); give more of the id or the full name"
        case .processNotFound(let pid):
            return "no process with PID \(pid) (it may have exited)"
        case .namesUnreadable(let query, let unnamed, let reason):
            return
                "no container named '\(query)' can be seen: container names come from the runtime, which this user cannot read (\(reason)); "
                + "run as root (or, for Docker, join the docker group), or give an id prefix or a host PID "
                + "(containers seen without a name: \(unnamed.prefix(12).joined(separator: ", ")))"
        }
    }
}
