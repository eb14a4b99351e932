import LinuxHost

/// A cgroup's I/O on one device between two samples.
package struct CgroupBlockIORates: Sendable, Equatable, Codable {
    /// The device.
    package var device: BlockDeviceNumber
    /// Bytes read per second.
    package var readBytesPerSecond: CounterRate
    /// Bytes written per second.
    package var writtenBytesPerSecond: CounterRate
    /// Read requests per second.
    package var readOperationsPerSecond: CounterRate
    /// Write requests per second.
    package var writeOperationsPerSecond: CounterRate

    /// The rates from `old` to `new`.
    package init(old: BlockIOCounters, new: BlockIOCounters, rates: RateCalculator) {
        device = new.device
        readBytesPerSecond = rates.rate(from: old.readBytes, to: new.readBytes)
        writtenBytesPerSecond = rates.rate(from: old.writtenBytes, to: new.writtenBytes)
        readOperationsPerSecond = rates.rate(from: old.readOperations, to: new.readOperations)
        writeOperationsPerSecond = rates.rate(from: old.writeOperations, to: new.writeOperations)
    }

    /// Rates for devices in both samples; a device seen only in the new sample has no rate yet.
    package static func rates(
        old: [BlockIOCounters]?, new: [BlockIOCounters]?, rates: RateCalculator
    ) -> [CgroupBlockIORates]? {
        guard let old, let new else { return nil }
        return MatchedEntries(old: old, new: new, key: \.device).matched.map {
            CgroupBlockIORates(old: $0.old, new: $0.new, rates: rates)
        }
    }
}

/// Stall time per second from a PSI `total` counter: 0.5 means tasks waited half the time.
package struct PressureRates: Sendable, Equatable, Codable {
    /// Δsome.total (µs) / Δt: the share of time at least one task stalled.
    package var someStalledSecondsPerSecond: CounterRate
    /// Δfull.total / Δt: the share of time all non-idle tasks stalled at once.
    package var fullStalledSecondsPerSecond: CounterRate?
    /// The kernel's own 10-second average at the newer sample, in %.
    package var someAverage10sPercent: Double

    /// The rates from `old` to `new`.
    package init?(old: PressureStall?, new: PressureStall?, rates: RateCalculator) {
        guard let old, let new else { return nil }
        someStalledSecondsPerSecond = rates.rate(
            from: old.some.totalMicroseconds, to: new.some.totalMicroseconds, scale: 1e-6)!
        fullStalledSecondsPerSecond = rates.rate(
            from: old.full?.totalMicroseconds, to: new.full?.totalMicroseconds, scale: 1e-6)
        someAverage10sPercent = new.some.average10sPercent
    }
}
