/// Link speeds of network interfaces, from sysfs (`class/net/NAME/speed`, Mb/s).
public enum NetworkLinkSpeeds {
    /// Mb/s per interface in `interfaces` whose speed is known: virtual interfaces (veth,
    /// bridges, loopback) fail the read with EINVAL or report -1, and are left out.
    public static func read(interfaces: some Sequence<String>, sysRoot: String = "/sys") -> [String: Double] {
        var speeds: [String: Double] = [:]
        let reader = KernelFileReader(initialCapacity: 64)
        for interface in interfaces {
            guard let text = try? reader.string(of: "\(sysRoot)/class/net/\(interface)/speed"),
                let speed = Double(text.filter { !$0.isWhitespace }), speed > 0
            else { continue }
            speeds[interface] = speed
        }
        return speeds
    }
}
