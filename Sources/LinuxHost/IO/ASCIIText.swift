/// Text whose bytes are its Characters: ASCII without a carriage return (a byte of 0x80 or
/// more starts a multi-byte scalar or a combining mark; "\r\n" is one Character). Split by
/// bytes, such text gives what splitting its Characters gives, for a fraction of the cost: the
/// way the kernel's text files (mountinfo, /proc/PID/status) are parsed when they qualify.
public enum ASCIIText {
    public static func bytesAreCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.contains { $0 >= 0x80 || $0 == UInt8(ascii: "\r") }
    }
}
