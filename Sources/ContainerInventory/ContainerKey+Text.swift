/// The text form `runtime:id` (`docker:3efa2b01...`, `pid-namespace:pidns-4026532257`): how
/// saved windows, diagnose's JSON and the recorder's store spell a key. The one place that
/// reads it back.
extension ContainerKey: Codable, ExpressibleByStringInterpolation {
    /// Parses `runtime:id`; nil when the runtime is unknown or the id empty.
    public init?(text: String) {
        guard let colon = text.firstIndex(of: ":"),
            let runtime = ContainerRuntime(rawValue: String(text[..<colon]))
        else { return nil }
        let id = String(text[text.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        self.init(runtime: runtime, id: id)
    }

    /// A key written as a literal, for tests and fixtures; a malformed literal is a programming error.
    public init(stringLiteral text: String) {
        guard let key = ContainerKey(text: text) else {
            preconditionFailure("not a container key (runtime:id): \(text)")
        }
        self = key
    }

    private enum Fields: String, CodingKey { case runtime, id }

    /// Reads the text form, or the `{runtime, id}` object `ps --processes --json` writes.
    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Fields.self), object.contains(.runtime) {
            self.init(
                runtime: try object.decode(ContainerRuntime.self, forKey: .runtime),
                id: try object.decode(String.self, forKey: .id))
            return
        }
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let key = ContainerKey(text: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a container key (runtime:id): \(text)"))
        }
        self = key
    }

    public func encode(to encoder: any Encoder) throws {
        var value = encoder.singleValueContainer()
        try value.encode(description)
    }

    /// Writes the `{runtime, id}` object (the process listing's form).
    func encodeFields(to encoder: any Encoder) throws {
        var object = encoder.container(keyedBy: Fields.self)
        try object.encode(runtime, forKey: .runtime)
        try object.encode(id, forKey: .id)
    }
}
