import Synchronization

/// Where an ELF symbol table's names come from: bytes held in memory, or the string tables
/// of a file kept open and read with `pread` a name at a time. A compiler's `.strtab` is tens
/// of MB, and a profile looks up a few thousand of its names: reading it whole was the largest
/// single cost of `profile --all` on a host that compiles.
enum ELFSymbolNames: Sendable {
    /// The string tables concatenated, each followed by a NUL.
    case resident([UInt8])
    /// The same offsets, read from the file.
    case onDemand(ELFStringTables)

    /// The bytes from `offset` to the end of its string table, at most `maximum`: empty past
    /// every table, nil when the file can no longer be read there (it shrank since).
    func bytes(at offset: UInt32, maximum: Int) -> ArraySlice<UInt8>? {
        switch self {
        case .resident(let names):
            let start = Int(offset)
            guard start < names.count else { return [] }
            return names[start..<min(names.count, start + maximum)]
        case .onDemand(let tables):
            return tables.bytes(at: offset, maximum: maximum)
        }
    }
}

/// The string tables of an open ELF file, at the offsets a resident copy would have them,
/// with the aliases already chosen for the addresses looked up.
final class ELFStringTables: Sendable {
    /// One string table: where it starts among the concatenated tables, and in the file.
    struct Table: Sendable {
        var base: UInt32
        var fileOffset: UInt64
        var size: UInt64
    }

    let file: ELFOpenFile
    let tables: [Table]
    /// Aliases chosen so far, by the index of their group's last entry: at most one per
    /// symbol, and a profile hits a few thousand.
    let choices = Mutex<[Int: ELFSymbolTable.AliasChoice]>([:])

    init(file: ELFOpenFile, tables: [Table]) {
        self.file = file
        self.tables = tables
    }

    func bytes(at offset: UInt32, maximum: Int) -> ArraySlice<UInt8>? {
        guard let table = tables.last(where: { $0.base <= offset }), UInt64(offset - table.base) < table.size else {
            return []
        }
        let local = UInt64(offset - table.base)
        let count = Int(min(UInt64(maximum), table.size - local))
        return file.bytes(at: table.fileOffset + local, count: count)?[...]
    }
}
