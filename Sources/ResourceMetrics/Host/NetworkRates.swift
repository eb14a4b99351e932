import LinuxHost

/// One interface's traffic between two samples, as `sar -n DEV` and `sar -n EDEV` print it.
package struct NetworkRates: Sendable, Equatable, Codable {
    /// The interface name.
    package var interface: String
    /// `rxkB/s` × 1024.
    package var receivedBytesPerSecond: CounterRate
    /// `txkB/s` × 1024.
    package var transmittedBytesPerSecond: CounterRate
    /// `rxpck/s`.
    package var receivedPacketsPerSecond: CounterRate
    /// `txpck/s`.
    package var transmittedPacketsPerSecond: CounterRate
    /// `rxerr/s`.
    package var receiveErrorsPerSecond: CounterRate
    /// `txerr/s`.
    package var transmitErrorsPerSecond: CounterRate
    /// `rxdrop/s`.
    package var receiveDropsPerSecond: CounterRate
    /// `txdrop/s`.
    package var transmitDropsPerSecond: CounterRate

    /// The rates from `old` to `new`.
    package init(old: NetworkDeviceStats, new: NetworkDeviceStats, rates: RateCalculator) {
        interface = new.interface
        receivedBytesPerSecond = rates.rate(from: old.receivedBytes, to: new.receivedBytes)
        transmittedBytesPerSecond = rates.rate(from: old.transmittedBytes, to: new.transmittedBytes)
        receivedPacketsPerSecond = rates.rate(from: old.receivedPackets, to: new.receivedPackets)
        transmittedPacketsPerSecond = rates.rate(from: old.transmittedPackets, to: new.transmittedPackets)
        receiveErrorsPerSecond = rates.rate(from: old.receiveErrors, to: new.receiveErrors)
        transmitErrorsPerSecond = rates.rate(from: old.transmitErrors, to: new.transmitErrors)
        receiveDropsPerSecond = rates.rate(from: old.receiveDrops, to: new.receiveDrops)
        transmitDropsPerSecond = rates.rate(from: old.transmitDrops, to: new.transmitDrops)
    }

    /// Rates of the interfaces present in both samples, plus the names that appeared
    /// (no rate yet) and vanished (a veth removed with its container).
    package static func rates(
        old: [NetworkDeviceStats], new: [NetworkDeviceStats], rates: RateCalculator
    )
        -> (interfaces: [NetworkRates], appeared: [String], vanished: [String])
    {
        let matched = MatchedEntries(old: old, new: new, key: \.interface)
        return (
            matched.matched.map { NetworkRates(old: $0.old, new: $0.new, rates: rates) },
            matched.appeared.map(\.interface), matched.vanished.map(\.interface)
        )
    }
}

/// TCP activity between two samples, as `sar -n TCP,ETCP` prints it.
package struct TCPRates: Sendable, Equatable, Codable {
    /// `active/s`.
    package var activeOpensPerSecond: CounterRate
    /// `passive/s`.
    package var passiveOpensPerSecond: CounterRate
    /// `iseg/s`.
    package var segmentsReceivedPerSecond: CounterRate
    /// `oseg/s`.
    package var segmentsSentPerSecond: CounterRate
    /// `retrans/s`.
    package var segmentsRetransmittedPerSecond: CounterRate
    /// `atmptf/s`.
    package var attemptFailsPerSecond: CounterRate
    /// `estres/s`.
    package var establishedResetsPerSecond: CounterRate
    /// `isegerr/s`.
    package var receiveErrorsPerSecond: CounterRate
    /// Retransmitted / sent segments × 100 (0 with nothing sent).
    package var retransmittedPercent: Double

    /// The rates from `old` to `new`.
    package init(old: TCPCounters, new: TCPCounters, rates: RateCalculator) {
        activeOpensPerSecond = rates.rate(from: old.activeOpens, to: new.activeOpens)
        passiveOpensPerSecond = rates.rate(from: old.passiveOpens, to: new.passiveOpens)
        segmentsReceivedPerSecond = rates.rate(from: old.segmentsReceived, to: new.segmentsReceived)
        segmentsSentPerSecond = rates.rate(from: old.segmentsSent, to: new.segmentsSent)
        segmentsRetransmittedPerSecond = rates.rate(from: old.segmentsRetransmitted, to: new.segmentsRetransmitted)
        attemptFailsPerSecond = rates.rate(from: old.attemptFails, to: new.attemptFails)
        establishedResetsPerSecond = rates.rate(from: old.establishedResets, to: new.establishedResets)
        receiveErrorsPerSecond = rates.rate(from: old.receiveErrors, to: new.receiveErrors)
        let sent = segmentsSentPerSecond.perSecond
        retransmittedPercent = sent > 0 ? segmentsRetransmittedPerSecond.perSecond / sent * 100 : 0
    }
}
