/// One line of /proc/PID/mountinfo (see proc(5)).
public struct MountInfoEntry: Sendable, Equatable {
    public var mountID: Int
    public var parentID: Int
    /// The directory of the filesystem that forms the root of this mount.
    public var root: String
    public var mountPoint: String
    public var filesystemType: String
    public var source: String
    public var superOptions: [String]

    /// Parses a whole mountinfo file; lines that do not parse are skipped (none should).
    public static func parseAll(_ text: String) -> [MountInfoEntry] {
        text.split(separator: "\n").compactMap { parse(line: $0) }
    }

    static func parse(line: Substring) -> MountInfoEntry? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 9, let separator = fields.firstIndex(of: "-"), separator >= 6,
            separator + 2 < fields.count,
            let mountID = Int(fields[0]), let parentID = Int(fields[1])
        else { return nil }
        return MountInfoEntry(
            mountID: mountID,
            parentID: parentID,
            root: unescapeOctal(fields[3]),
            mountPoint: unescapeOctal(fields[4]),
            filesystemType: String(fields[separator + 1]),
            source: String(fields[separator + 2]),
            superOptions: separator + 3 < fields.count
                ? fields[separator + 3].split(separator: ",").map(String.init) : []
        )
    }

    /// mountinfo escapes space, tab, newline and backslash as \NNN octal.
    static func unescapeOctal(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        var iterator = Array(field.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "\\"), iterator.count >= 3,
                let value = UInt8(String(decoding: iterator.prefix(3), as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
