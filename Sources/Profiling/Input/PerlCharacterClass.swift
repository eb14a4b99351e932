/// Byte classes with the meaning Perl gives `\s`, `\d` and `\w` on byte strings.
///
/// The fold must split lines exactly where FlameGraph's `stackcollapse-perf.pl` splits them,
/// so whitespace includes `\r`, `\f` and `\v` (Perl 5.18 and later), not only space and tab.
enum PerlCharacterClass {
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10
    }

    @inline(__always)
    static func isWord(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20) &- 0x61 < 26 || byte == 0x5F
    }

    @inline(__always)
    static func isLowerHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte &- 0x61 < 6
    }
}
