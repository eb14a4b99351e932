extension HostCounterReader {
    /// The counters of the host's interfaces `names`, from `SYSROOT/class/net/NAME/statistics`,
    /// with /proc/net/dev's meaning (its receive drops are `rx_dropped` plus
    /// `rx_missed_errors`): nine small files per interface, where /proc/net/dev lists every
    /// interface of the namespace, and a container host has a veth per container. An
    /// interface gone since it was named is left out, its descriptors closed.
    public func networkDevices(named names: [String], sysRoot: String = "/sys") -> [NetworkDeviceStats] {
        names.compactMap { name in
            let directory = sysRoot + "/class/net/" + name + "/statistics"
            do {
                var stats = NetworkDeviceStats(interface: name)
                stats.receivedBytes = try counter(directory, "rx_bytes")
                stats.receivedPackets = try counter(directory, "rx_packets")
                stats.receiveErrors = try counter(directory, "rx_errors")
                stats.receiveDrops = try counter(directory, "rx_dropped") &+ counter(directory, "rx_missed_errors")
                stats.transmittedBytes = try counter(directory, "tx_bytes")
                stats.transmittedPackets = try counter(directory, "tx_packets")
                stats.transmitErrors = try counter(directory, "tx_errors")
                stats.transmitDrops = try counter(directory, "tx_dropped")
                return stats
            } catch {
                cache.forget(directory: directory)
                return nil
            }
        }
    }

    private func counter(_ directory: String, _ file: String) throws(HostReadError) -> UInt64 {
        let path = directory + "/" + file
        return try cache.withContents(of: path) { bytes throws(HostReadError) in
            var scanner = ByteScanner(bytes)
            guard let value = scanner.readUInt64() else { throw HostReadError(path: path, malformed: "not a counter") }
            return value
        }
    }
}
