/// Every number a rule compares against, with its default and why. A user tunes them with
/// `--threshold NAME=VALUE` or a JSON file of `{"NAME": VALUE}` (docs/diagnose.md). Each is
/// declared once, in `ThresholdCatalog`; `thresholds.dStateMilliseconds` reads the value of
/// the catalog's `dStateMilliseconds`.
@dynamicMemberLookup
package struct Thresholds: Sendable, Equatable {
    /// Values by threshold name; a threshold not set has its default.
    private var valuesByName: [String: Double] = [:]

    /// The defaults.
    package init() {}

    /// The value of the threshold the catalog declares at `declaration`.
    package subscript(dynamicMember declaration: KeyPath<ThresholdCatalog, ThresholdSpec>) -> Double {
        get { self[ThresholdCatalog.shared[keyPath: declaration]] }
        set { self[ThresholdCatalog.shared[keyPath: declaration]] = newValue }
    }

    /// The value of `spec`.
    package subscript(spec: ThresholdSpec) -> Double {
        get { valuesByName[spec.name] ?? spec.defaultValue }
        set { valuesByName[spec.name] = newValue }
    }

    /// One tunable: its name on the command line and in JSON, and its meaning.
    package struct Key: Sendable {
        /// Its declaration.
        package var spec: ThresholdSpec
        /// The kebab-case name.
        package var name: String { spec.name }
        /// The value it sets.
        package var keyPath: WritableKeyPath<Thresholds, Double> & Sendable
        /// What it means, with its unit.
        package var meaning: String { spec.meaning }
    }

    /// Every tunable, in documentation order.
    package static let keys: [Key] = ThresholdCatalog.all.map { Key(spec: $0, keyPath: \Thresholds.[$0]) }

    package static func == (lhs: Thresholds, rhs: Thresholds) -> Bool {
        keys.allSatisfy { lhs[$0.spec] == rhs[$0.spec] }
    }

    /// A name that is not a threshold, or a value that is not a number.
    package struct InvalidSetting: Error, CustomStringConvertible {
        /// What was wrong.
        package var description: String
    }

    /// Sets `name` to `value`.
    package mutating func set(_ name: String, _ value: Double) throws(InvalidSetting) {
        guard let key = Self.keys.first(where: { $0.name == name }) else {
            throw InvalidSetting(
                description: "unknown threshold \"\(name)\" (known: \(Self.keys.map(\.name).joined(separator: ", ")))")
        }
        guard value.isFinite, value >= 0 else {
            throw InvalidSetting(description: "threshold \(name) must be a number >= 0, not \(value)")
        }
        self[keyPath: key.keyPath] = value
    }

    /// Applies `NAME=VALUE`.
    package mutating func apply(assignment: String) throws(InvalidSetting) {
        guard let equals = assignment.firstIndex(of: "="),
            let value = Double(assignment[assignment.index(after: equals)...])
        else {
            throw InvalidSetting(description: "expected NAME=NUMBER, got \"\(assignment)\"")
        }
        try set(String(assignment[..<equals]), value)
    }
}

/// The JSON of a report's thresholds: every value under its property's name, as before the
/// catalog (`{"dStateMilliseconds": 500, ...}`); a missing one keeps its default.
extension Thresholds: Codable {
    struct PropertyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: PropertyKey.self)
        self.init()
        for key in Self.keys {
            if let value = try values.decodeIfPresent(Double.self, forKey: PropertyKey(stringValue: key.spec.property))
            {
                self[key.spec] = value
            }
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: PropertyKey.self)
        for key in Self.keys { try values.encode(self[key.spec], forKey: PropertyKey(stringValue: key.spec.property)) }
    }
}
