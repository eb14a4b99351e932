/// Where the agent listens: a host and a TCP port, parsed from `HOST:PORT` (`[V6]:PORT` for
/// IPv6, `:PORT` for every address).
package struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address to bind (`127.0.0.1`, `::1`, `0.0.0.0`, a host name).
    package var host: String
    /// The TCP port (0 lets the kernel pick one, for tests).
    package var port: Int

    /// The default: loopback only, cAdvisor's neighbourhood of ports (9798 is unassigned in
    /// Prometheus's default port allocations list).
    package static let defaultAddress = ListenAddress(host: "127.0.0.1", port: 9798)

    /// Creates a value from its fields.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[V6]:PORT` or `:PORT`.
    package init(parsing text: String) throws(ServerConfigurationError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .invalidListenAddress(text, "an IPv6 address is written [ADDRESS]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw .invalidListenAddress(text, "write HOST:PORT, e.g. 127.0.0.1:9798")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw .invalidListenAddress(text, "an IPv6 address is written [ADDRESS]:PORT") }
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw .invalidListenAddress(text, "the port must be a number from 0 to 65535")
        }
        self.host = host.isEmpty ? "0.0.0.0" : String(host)
        self.port = port
    }

    /// True when only this machine can connect: 127.0.0.0/8, ::1 or `localhost`.
    package var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `HOST:PORT`, brackets around IPv6.
    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
