import Hummingbird

/// How the API names a container in `?container=`: its key (`docker:ID`), its name, or a
/// prefix of at least 6 characters of its id, as `periscope stats` accepts.
enum ContainerReference {
    /// The longest reference accepted (a name or a full key is far shorter).
    static let maximumLength = 256

    static func matches(_ reference: String, _ labels: ContainerLabels) -> Bool {
        if reference == labels.key || reference == labels.name { return true }
        guard reference.count >= 6, let colon = labels.key.firstIndex(of: ":") else { return false }
        return labels.key[labels.key.index(after: colon)...].hasPrefix(reference)
    }

    /// The one container `reference` names among `candidates`; 404 when none, 400 when several.
    static func resolve(_ reference: String, among candidates: [ContainerLabels]) throws -> ContainerLabels {
        guard !reference.isEmpty, reference.count <= maximumLength else {
            throw HTTPError(.badRequest, message: "container= must name a container (1 to \(maximumLength) characters)")
        }
        let exact = candidates.filter { $0.key == reference || $0.name == reference }
        let matching = exact.isEmpty ? candidates.filter { matches(reference, $0) } : exact
        guard let first = matching.first else { throw notFound(reference) }
        guard matching.count == 1 else {
            throw HTTPError(
                .badRequest,
                message: "container=\(reference) is ambiguous: \(matching.map(\.key).sorted().joined(separator: ", "))")
        }
        return first
    }

    static func notFound(_ reference: String) -> HTTPError {
        HTTPError(
            .notFound,
            message:
                "no container \(reference.prefix(maximumLength)) in this agent's recent history (GET /api/v1/inventory lists them)"
        )
    }
}
