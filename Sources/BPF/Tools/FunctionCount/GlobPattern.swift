/// A shell-style wildcard pattern over names: `*` matches any run of characters (none
/// included), `?` exactly one; everything else matches itself. Matches whole names, as bcc's
/// funccount and bpftrace probe wildcards do.
package struct GlobPattern: Sendable, Equatable, CustomStringConvertible {
    package let text: String
    /// The pattern as bytes: symbol names are compared byte by byte (they are not always UTF-8).
    let bytes: [UInt8]

    package init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    package var description: String { text }

    /// Whether the pattern has a wildcard (else it names exactly one thing).
    package var hasWildcard: Bool { bytes.contains(UInt8(ascii: "*")) || bytes.contains(UInt8(ascii: "?")) }

    /// Whether `name` matches the whole pattern.
    package func matches(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { matches(bytes: $0) }
    }

    /// Whether `name` matches: the classic linear backtracking over the last `*`, so a
    /// pattern like `*a*a*a*b` costs O(pattern × name), never exponential time.
    package func matches(bytes name: UnsafeBufferPointer<UInt8>) -> Bool {
        let star = UInt8(ascii: "*"), question = UInt8(ascii: "?")
        var patternIndex = 0, nameIndex = 0
        var starIndex = -1, resumeIndex = 0
        while nameIndex < name.count {
            if patternIndex < bytes.count && (bytes[patternIndex] == question || bytes[patternIndex] == name[nameIndex])
            {
                patternIndex += 1
                nameIndex += 1
            } else if patternIndex < bytes.count && bytes[patternIndex] == star {
                starIndex = patternIndex
                resumeIndex = nameIndex
                patternIndex += 1
            } else if starIndex >= 0 {
                patternIndex = starIndex + 1
                resumeIndex += 1
                nameIndex = resumeIndex
            } else {
                return false
            }
        }
        while patternIndex < bytes.count && bytes[patternIndex] == star { patternIndex += 1 }
        return patternIndex == bytes.count
    }
}
