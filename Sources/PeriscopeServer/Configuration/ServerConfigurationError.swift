/// Why `periscope serve` refuses to start; each message says what to change.
package enum ServerConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalidListenAddress(String, String)
    /// A non-loopback address without `--token-file`.
    case tokenRequired(ListenAddress)
    case tokenFileUnreadable(path: String, reason: String)
    case tokenTooShort(path: String, length: Int)
    case invalidInterval(Double)
    case invalidWindow(windowSeconds: Double, intervalSeconds: Double)
    case invalidDiagnosisCadence(everySeconds: Double, windowSeconds: Double)

    package var description: String {
        switch self {
        case .invalidListenAddress(let text, let advice):
            return "--listen \(text) is not an address: \(advice)"
        case .tokenRequired(let address):
            return
                "--listen \(address) is reachable from other machines: give --token-file FILE (a secret of at least \(AccessToken.minimumLength) characters); clients then send Authorization: Bearer SECRET. Without a token, listen on loopback (127.0.0.1:PORT)."
        case .tokenFileUnreadable(let path, let reason):
            return "--token-file \(path) unreadable: \(reason)"
        case .tokenTooShort(let path, let length):
            return
                "--token-file \(path) holds \(length) characters: a token needs at least \(AccessToken.minimumLength) (e.g. `head -c 32 /dev/urandom | base64 > \(path)`)"
        case .invalidInterval(let seconds):
            return "--interval \(seconds) s: give at least 0.1 s"
        case .invalidWindow(let window, let interval):
            return "--window \(window) s must be at least twice --interval (\(interval) s): a rate needs two samples"
        case .invalidDiagnosisCadence(let every, let window):
            return "--diagnose-every \(every) s must be at least --window (\(window) s): one diagnosis runs at a time"
        }
    }
}
