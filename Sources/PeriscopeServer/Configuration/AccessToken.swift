#if canImport(Glibc)
import Glibc
#endif

/// The bearer token clients must send when the agent listens beyond loopback.
///
/// Compared in constant time: the comparison reads every byte of both strings whatever they
/// hold, so response timing does not tell an attacker how many leading bytes were right.
package struct AccessToken: Sendable {
    /// The shortest token accepted: 16 characters of base64 is 96 bits.
    package static let minimumLength = 16
    private let secret: [UInt8]

    /// A token from its text (surrounding whitespace and the trailing newline removed).
    package init(secret: String) {
        self.secret = Array(secret.trimmingWhitespace.utf8)
    }

    /// Reads the token from `path` (at most 4 KiB).
    package static func read(path: String) throws(ServerConfigurationError) -> AccessToken {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .tokenFileUnreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        var count = 0
        while count < bytes.count {
            let read = bytes.withUnsafeMutableBytes {
                Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count)
            }
            if read < 0 && errno == EINTR { continue }
            guard read >= 0 else { throw .tokenFileUnreadable(path: path, reason: String(cString: strerror(errno))) }
            if read == 0 { break }
            count += read
        }
        let token = AccessToken(secret: String(decoding: bytes[..<count], as: UTF8.self))
        guard token.secret.count >= minimumLength else { throw .tokenTooShort(path: path, length: token.secret.count) }
        return token
    }

    /// True when `candidate` is the secret; takes the same time for every candidate of a given length.
    package func matches<Candidate: Collection<UInt8>>(_ candidate: Candidate) -> Bool {
        var difference = UInt8(truncatingIfNeeded: secret.count ^ candidate.count)
        var index = candidate.startIndex
        for position in 0..<max(secret.count, candidate.count) {
            let expected = position < secret.count ? secret[position] : 0
            var given: UInt8 = 0xFF
            if index != candidate.endIndex {
                given = candidate[index]
                index = candidate.index(after: index)
            }
            difference |= expected ^ given
        }
        return difference == 0
    }
}

extension String {
    fileprivate var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
