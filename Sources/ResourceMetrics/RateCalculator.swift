/// A per-second rate of a counter between two samples.
package struct CounterRate: Sendable, Equatable {
    /// Increase per second.
    package var perSecond: Double
    /// The counter went backwards (its cgroup or device was recreated, or it wrapped): the
    /// rate assumes it restarted from zero and counts only its new value.
    package var wasReset: Bool

    /// Creates a value from its fields.
    package init(perSecond: Double, wasReset: Bool = false) {
        self.perSecond = perSecond
        self.wasReset = wasReset
    }
}

/// In JSON a rate is its number (`"usageCores": 0.42`), as every `--json` output gives
/// quantities (docs/json.md); whether the counter was reset stays out of the encoding.
extension CounterRate: Codable {
    private enum LegacyKeys: String, CodingKey { case perSecond, wasReset }

    package init(from decoder: any Decoder) throws {
        if let perSecond = try? decoder.singleValueContainer().decode(Double.self) {
            self.init(perSecond: perSecond)
            return
        }
        // Before one vocabulary: {"perSecond": ..., "wasReset": ...}.
        let container = try decoder.container(keyedBy: LegacyKeys.self)
        self.init(
            perSecond: try container.decode(Double.self, forKey: .perSecond),
            wasReset: try container.decodeIfPresent(Bool.self, forKey: .wasReset) ?? false)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(perSecond)
    }
}

/// Turns pairs of counter values read `elapsedSeconds` apart into rates.
///
/// Counter resets: a new value below the old one means the counter restarted (a container
/// recreated under the same cgroup path, a device re-added); the increase is then taken as
/// the new value itself (from zero) and the rate is flagged, never negative.
package struct RateCalculator: Sendable {
    /// Seconds between the two samples; always positive.
    package let elapsedSeconds: Double

    /// Nil unless `new` was taken after `old`: no rate can come from a zero interval.
    package init?(from old: MonotonicInstant, to new: MonotonicInstant) {
        guard new > old else { return nil }
        elapsedSeconds = new.seconds(since: old)
    }

    /// Nil unless `elapsedSeconds` is positive.
    package init?(elapsedSeconds: Double) {
        guard elapsedSeconds > 0 else { return nil }
        self.elapsedSeconds = elapsedSeconds
    }

    /// The increase of a counter, with a reset taken as a restart from zero.
    package static func increase(from old: UInt64, to new: UInt64) -> (amount: UInt64, wasReset: Bool) {
        new >= old ? (new - old, false) : (new, true)
    }

    /// The rate of a counter.
    package func rate(from old: UInt64, to new: UInt64) -> CounterRate {
        let (amount, wasReset) = Self.increase(from: old, to: new)
        return CounterRate(perSecond: Double(amount) / elapsedSeconds, wasReset: wasReset)
    }

    /// The rate of a counter that may be missing from either sample; nil if it is.
    package func rate(from old: UInt64?, to new: UInt64?) -> CounterRate? {
        guard let old, let new else { return nil }
        return rate(from: old, to: new)
    }

    /// `scale` × the rate, e.g. nanoseconds per second × 1e-9 = cores.
    package func rate(from old: UInt64?, to new: UInt64?, scale: Double) -> CounterRate? {
        guard var rate = rate(from: old, to: new) else { return nil }
        rate.perSecond *= scale
        return rate
    }
}

/// Entries of two samples matched by key: what both have, what appeared, what vanished.
package struct MatchedEntries<Entry> {
    /// (old, new) for keys present in both samples, in the new sample's order.
    package var matched: [(old: Entry, new: Entry)] = []
    /// In the new sample only: no rate yet (a device plugged, a container started).
    package var appeared: [Entry] = []
    /// In the old sample only (a container stopped, an interface removed).
    package var vanished: [Entry] = []

    /// Matches `old` and `new` by `key`.
    package init<Key: Hashable>(old: [Entry], new: [Entry], key: (Entry) -> Key) {
        var oldByKey: [Key: Int] = [:]
        oldByKey.reserveCapacity(old.count)
        for (index, entry) in old.enumerated() { oldByKey[key(entry)] = index }
        var used = [Bool](repeating: false, count: old.count)
        for entry in new {
            if let index = oldByKey[key(entry)] {
                matched.append((old[index], entry))
                used[index] = true
            } else {
                appeared.append(entry)
            }
        }
        vanished = old.indices.filter { !used[$0] }.map { old[$0] }
    }
}

extension MatchedEntries: Sendable where Entry: Sendable {}
