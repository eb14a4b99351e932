/// What an ELF file says about where its full symbols are: its GNU build-id, its
/// `.gnu_debuglink` file name, and its embedded MiniDebugInfo (`.gnu_debugdata`, an xz-packed
/// ELF holding a `.symtab`).
package struct ELFDebugInfo: Sendable, Equatable {
    /// The `NT_GNU_BUILD_ID` note's bytes.
    package var buildID: [UInt8]?
    /// The file name in `.gnu_debuglink`.
    package var debugLink: String?
    /// The CRC-32 of the debug file that follows the name in `.gnu_debuglink` (after padding
    /// to 4 bytes): a file found by that name is used only when its CRC matches.
    package var debugLinkCRC: UInt32?
    /// File offset and size of `.gnu_debugdata`.
    package var miniDebugInfo: (offset: UInt64, size: UInt64)?
    /// Whether the file has a `.symtab` (then no separate file is looked for).
    package var hasSymbolTable = false

    package init() {}

    package static func == (left: ELFDebugInfo, right: ELFDebugInfo) -> Bool {
        left.buildID == right.buildID && left.debugLink == right.debugLink && left.debugLinkCRC == right.debugLinkCRC
            && left.hasSymbolTable == right.hasSymbolTable
            && left.miniDebugInfo?.offset == right.miniDebugInfo?.offset
            && left.miniDebugInfo?.size == right.miniDebugInfo?.size
    }

    /// The build-id as lower-case hex.
    package var buildIDHex: String? {
        buildID.map { $0.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
    }

    /// `.build-id/xx/rest.debug`, relative to a debug root such as /usr/lib/debug.
    package var buildIDPath: String? {
        guard let hex = buildIDHex, hex.count > 2 else { return nil }
        return ".build-id/\(hex.prefix(2))/\(hex.dropFirst(2)).debug"
    }

    /// The largest note section or debug link read.
    static let maximumNoteBytes: UInt64 = 4096

    /// Reads the interesting sections; `section(i)` gives (name offset, type, offset, size).
    /// Anything out of bounds is ignored: debug links are a hint, never required.
    static func read(
        sectionCount: Int, names: [UInt8], limits: ELFSymbolTable.Limits, source: some ELFByteSource,
        section: (Int) -> (name: UInt32, type: UInt32, offset: UInt64, size: UInt64)
    ) -> ELFDebugInfo {
        var info = ELFDebugInfo()
        for index in 0..<sectionCount {
            let entry = section(index)
            guard let name = cString(in: names, at: Int(entry.name), maximum: 64) else { continue }
            switch name {
            case ".note.gnu.build-id":
                guard entry.size <= maximumNoteBytes, let note = source.bytes(at: entry.offset, count: Int(entry.size))
                else { continue }
                info.buildID = buildID(inNotes: note)
            case ".gnu_debuglink":
                guard entry.size <= maximumNoteBytes, let link = source.bytes(at: entry.offset, count: Int(entry.size)),
                    let file = cString(in: link, at: 0, maximum: 255), !file.isEmpty, !file.contains("/")
                else { continue }
                info.debugLink = file
                let crcOffset = (file.utf8.count + 1 + 3) & ~3
                if crcOffset + 4 <= link.count { info.debugLinkCRC = link.u32(crcOffset) }
            case ".gnu_debugdata":
                guard entry.size > 0, entry.size <= limits.maximumTableBytes, entry.offset <= source.byteCount,
                    entry.size <= source.byteCount - entry.offset
                else { continue }
                info.miniDebugInfo = (entry.offset, entry.size)
            default:
                continue
            }
        }
        return info
    }

    /// The descriptor of the first `NT_GNU_BUILD_ID` (type 3, name "GNU") note.
    static func buildID(inNotes notes: [UInt8]) -> [UInt8]? {
        var offset = 0
        func aligned(_ value: Int) -> Int { (value + 3) & ~3 }
        while offset + 12 <= notes.count {
            let nameSize = Int(notes.u32(offset)), descriptorSize = Int(notes.u32(offset + 4)),
                type = notes.u32(offset + 8)
            guard nameSize <= 256, descriptorSize <= 256 else { return nil }
            let nameStart = offset + 12
            let descriptorStart = nameStart + aligned(nameSize)
            guard descriptorStart + descriptorSize <= notes.count else { return nil }
            if type == 3, nameSize == 4, Array(notes[nameStart..<(nameStart + 3)]) == Array("GNU".utf8),
                descriptorSize > 0
            {
                return Array(notes[descriptorStart..<(descriptorStart + descriptorSize)])
            }
            offset = descriptorStart + aligned(descriptorSize)
        }
        return nil
    }

    private static func cString(in bytes: [UInt8], at start: Int, maximum: Int) -> String? {
        guard start >= 0, start < bytes.count else { return nil }
        var end = start
        while end < bytes.count, end - start <= maximum, bytes[end] != 0 { end += 1 }
        guard end < bytes.count, bytes[end] == 0 else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
