/// A bcc-style power-of-two histogram: slot 0 counts 0 and 1, slot i counts [2^(i-1), 2^i - 1].
public struct Log2Histogram: Sendable, Equatable {
    public private(set) var slots: [UInt64] = []

    public init() {}

    /// A histogram of counts already in slots (read from a BPF map); trailing empty slots are
    /// dropped so it equals one built by `add`.
    public init(slots: [UInt64]) {
        self.slots = Array(slots.prefix((slots.lastIndex { $0 > 0 } ?? -1) + 1))
    }

    public mutating func add(_ value: UInt64) {
        let slot = value == 0 ? 0 : 64 - value.leadingZeroBitCount
        if slot >= slots.count { slots.append(contentsOf: repeatElement(0, count: slot + 1 - slots.count)) }
        slots[slot] += 1
    }

    public mutating func merge(_ other: Log2Histogram) {
        if other.slots.count > slots.count {
            slots.append(contentsOf: repeatElement(0, count: other.slots.count - slots.count))
        }
        for (index, value) in other.slots.enumerated() { slots[index] += value }
    }

    public var total: UInt64 { slots.reduce(0, +) }

    /// The range a slot covers, as bcc prints it (`0 -> 1`, `2 -> 3`, `4 -> 7`, ...).
    public static func range(ofSlot slot: Int) -> (low: UInt64, high: UInt64) {
        if slot == 0 { return (0, 1) }
        let low = UInt64(1) << UInt64(slot - 1)
        return (slot == 1 ? 0 : low, slot >= 64 ? .max : (UInt64(1) << UInt64(slot)) - 1)
    }

    /// The rows bcc prints, from `0 -> 1` (slot 0 counted in it: bcc never sees a 0) up to the
    /// last non-empty slot; none when the histogram is empty.
    public var rows: [(low: UInt64, high: UInt64, count: UInt64)] {
        guard let last = slots.lastIndex(where: { $0 > 0 }) else { return [] }
        return (1...Swift.max(last, 1)).map { slot in
            let count = slot < slots.count ? slots[slot] : 0
            return slot == 1
                ? (0, 1, count + slots[0]) : (Self.range(ofSlot: slot).low, Self.range(ofSlot: slot).high, count)
        }
    }
}

/// Linear buckets of `width` from `lower` (`--freq-resolution`), with under/overflow counts.
public struct LinearHistogram: Sendable, Equatable {
    public let lower: UInt64
    public let width: UInt64
    public private(set) var buckets: [UInt64]

    public init(lower: UInt64, upper: UInt64, bucketCount: Int) {
        self.lower = lower
        let count = Swift.max(bucketCount, 1)
        self.width = Swift.max(1, (upper &- lower + UInt64(count) - 1) / UInt64(count))
        self.buckets = Array(repeating: 0, count: count)
    }

    public mutating func add(_ value: UInt64) {
        guard value >= lower else { buckets[0] += 1; return }
        buckets[Swift.min(Int((value - lower) / width), buckets.count - 1)] += 1
    }
}
