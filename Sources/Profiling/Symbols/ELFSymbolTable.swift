/// Where an ELF file's bytes come from: a descriptor read with `pread`, or memory (tests, fuzzing).
package protocol ELFByteSource {
    /// The file size in bytes.
    var byteCount: UInt64 { get }
    /// `count` bytes at `offset`, or nil when the range is outside the file or unreadable.
    func bytes(at offset: UInt64, count: Int) -> [UInt8]?
}

/// An ELF file held in memory.
package struct ELFMemorySource: ELFByteSource {
    package let contents: [UInt8]
    package init(_ contents: [UInt8]) { self.contents = contents }
    package var byteCount: UInt64 { UInt64(contents.count) }
    package func bytes(at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= byteCount, UInt64(count) <= byteCount - offset else { return nil }
        return Array(contents[Int(offset)..<(Int(offset) + count)])
    }
}

/// The function symbols and loadable segments of an ELF64 little-endian file.
///
/// The file may come from inside a container and is hostile input: every offset, size and
/// count is checked against the file size and against fixed limits before it is used, and a
/// file that fails a check is rejected with an `ELFError`, never trusted in part.
package struct ELFSymbolTable: Sendable {
    /// A function symbol, in the file's virtual addresses.
    package struct Symbol: Sendable, Equatable {
        package var start: UInt64
        package var size: UInt64
        package var name: String
    }

    /// A `PT_LOAD` program header: file bytes `[fileOffset, fileOffset + fileSize)` are
    /// loaded at `virtualAddress`.
    package struct LoadSegment: Sendable, Equatable {
        package var fileOffset: UInt64
        package var virtualAddress: UInt64
        package var fileSize: UInt64
    }

    /// A function symbol without its name: the name stays in `names` until a lookup needs it,
    /// so a binary with a million symbols costs a sort of small values, not a million Strings.
    struct Entry: Sendable {
        var start: UInt64
        var size: UInt64
        /// Where the NUL-terminated name starts in `names`.
        var nameOffset: UInt32
    }

    /// Function symbols sorted by start address, one per address (from `.symtab`, or from
    /// `.dynsym` in a file without one).
    let entries: [Entry]
    /// The string tables the entries point into, concatenated.
    let names: [UInt8]
    /// The longest name read.
    let maximumNameBytes: Int

    /// Every function symbol with its name (builds every String: for tests and merging, not lookups).
    package var symbols: [Symbol] {
        entries.map { Symbol(start: $0.start, size: $0.size, name: name(at: $0.nameOffset)) }
    }

    /// The number of function symbols.
    package var symbolCount: Int { entries.count }
    /// The loadable segments, in file order.
    package let loadSegments: [LoadSegment]
    /// Where separate debug symbols may be found, and whether they are needed.
    package let debugInfo: ELFDebugInfo

    /// Limits on what a file may make the parser read or allocate.
    package struct Limits: Sendable {
        package var maximumTableBytes: UInt64 = 256 << 20
        package var maximumSymbols = 4_000_000
        package var maximumNameBytes = 4096
        package init() {}
    }

    /// Parses the section and program headers and the symbol tables of `source`.
    package init(source: some ELFByteSource, limits: Limits = Limits()) throws(ELFError) {
        guard let header = source.bytes(at: 0, count: 64) else { throw ELFError("shorter than an ELF64 header") }
        guard header[0] == 0x7F, header[1] == 0x45, header[2] == 0x4C, header[3] == 0x46 else {
            throw ELFError("no ELF magic")
        }
        guard header[4] == 2 else { throw ELFError("not a 64-bit ELF file") }
        guard header[5] == 1 else { throw ELFError("not a little-endian ELF file") }
        let programOffset = header.u64(32), sectionOffset = header.u64(40)
        let programEntrySize = Int(header.u16(54)), programCount = Int(header.u16(56))
        let sectionEntrySize = Int(header.u16(58)), sectionCount = Int(header.u16(60))
        let sectionNamesIndex = Int(header.u16(62))

        var segments: [LoadSegment] = []
        if programCount > 0 {
            guard programEntrySize >= 56 else { throw ELFError("program header entries of \(programEntrySize) bytes") }
            guard let table = source.bytes(at: programOffset, count: programEntrySize * programCount) else {
                throw ELFError("program headers at \(programOffset) lie outside the file")
            }
            for index in 0..<programCount {
                let base = index * programEntrySize
                guard table.u32(base) == 1 else { continue }
                segments.append(
                    LoadSegment(
                        fileOffset: table.u64(base + 8), virtualAddress: table.u64(base + 16),
                        fileSize: table.u64(base + 32)))
            }
        }
        loadSegments = segments

        maximumNameBytes = limits.maximumNameBytes
        guard sectionCount > 0 else {
            entries = []
            names = []
            debugInfo = ELFDebugInfo()
            return
        }
        guard sectionEntrySize >= 64 else { throw ELFError("section header entries of \(sectionEntrySize) bytes") }
        guard let sections = source.bytes(at: sectionOffset, count: sectionEntrySize * sectionCount) else {
            throw ELFError("section headers at \(sectionOffset) lie outside the file")
        }
        func section(_ index: Int) -> (type: UInt32, offset: UInt64, size: UInt64, link: Int, entrySize: UInt64) {
            let base = index * sectionEntrySize
            return (
                sections.u32(base + 4), sections.u64(base + 24), sections.u64(base + 32), Int(sections.u32(base + 40)),
                sections.u64(base + 56)
            )
        }
        var debug = ELFDebugInfo()
        if sectionNamesIndex > 0, sectionNamesIndex < sectionCount {
            let namesSection = section(sectionNamesIndex)
            if namesSection.type == 3, namesSection.size <= limits.maximumTableBytes,
                let names = source.bytes(at: namesSection.offset, count: Int(namesSection.size))
            {
                debug = ELFDebugInfo.read(sectionCount: sectionCount, names: names, limits: limits, source: source) {
                    index in
                    let base = index * sectionEntrySize
                    return (
                        sections.u32(base), sections.u32(base + 4), sections.u64(base + 24), sections.u64(base + 32)
                    )
                }
            }
        }
        debug.hasSymbolTable = (0..<sectionCount).contains { section($0).type == 2 }
        debugInfo = debug
        // Candidates as (start, preference, entry): sorting these plain values is what makes a
        // large table cheap; preference orders aliases at one address.
        var found: [(start: UInt64, preference: Int, entry: Entry)] = []
        var allNames: [UInt8] = []
        // .symtab (2) is the complete table; .dynsym (11), a subset of it, is read only in
        // stripped files that have no .symtab (reading both doubled the work on large binaries).
        for wantedType: UInt32 in debug.hasSymbolTable ? [2] : [11] {
            for index in 0..<sectionCount {
                let table = section(index)
                guard table.type == wantedType else { continue }
                guard table.entrySize == 24 else {
                    throw ELFError("symbol table \(index) has \(table.entrySize)-byte entries")
                }
                guard table.size <= limits.maximumTableBytes, table.link > 0, table.link < sectionCount else {
                    throw ELFError("symbol table \(index) is too large or links no string table")
                }
                let strings = section(table.link)
                guard strings.type == 3, strings.size <= limits.maximumTableBytes else {
                    throw ELFError("symbol table \(index) links section \(table.link), not a bounded string table")
                }
                let symbolCount = Int(table.size / 24)
                guard found.count + symbolCount <= limits.maximumSymbols else {
                    throw ELFError("more than \(limits.maximumSymbols) symbols")
                }
                guard allNames.count + Int(strings.size) < Int(UInt32.max) else {
                    throw ELFError("string tables larger than 4 GiB")
                }
                guard let entries = source.bytes(at: table.offset, count: symbolCount * 24),
                    let tableNames = source.bytes(at: strings.offset, count: Int(strings.size))
                else { throw ELFError("symbol table \(index) or its strings lie outside the file") }
                let namesBase = allNames.count
                if allNames.isEmpty { allNames = tableNames } else { allNames.append(contentsOf: tableNames) }
                // A terminator after each table, so a name that runs to its table's end stops there.
                allNames.append(0)
                var badOffset: Int?
                entries.withUnsafeBytes { raw in
                    for symbol in 0..<symbolCount {
                        let base = symbol * 24
                        let info = raw[base + 4]
                        let kind = info & 0x0F
                        // STT_FUNC and STT_GNU_IFUNC, defined (section index not SHN_UNDEF).
                        guard kind == 2 || kind == 10, raw.loadUnaligned(fromByteOffset: base + 6, as: UInt16.self) != 0
                        else { continue }
                        let value = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 8, as: UInt64.self))
                        guard value != 0 else { continue }
                        let nameOffset = Int(
                            UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base, as: UInt32.self)))
                        guard nameOffset < tableNames.count else {
                            badOffset = nameOffset
                            return
                        }
                        guard tableNames[nameOffset] != 0 else { continue }
                        // Aliases share an address (printf and _IO_printf): prefer global over weak
                        // over local binding, then the name with the fewest leading underscores.
                        let binding = info >> 4
                        let bindingRank = binding == 1 ? 0 : (binding == 2 ? 1 : 2)
                        var underscores = 0
                        while nameOffset + underscores < tableNames.count, underscores < 4095,
                            tableNames[nameOffset + underscores] == UInt8(ascii: "_")
                        { underscores += 1 }
                        let size = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 16, as: UInt64.self))
                        // The position breaks ties among equally preferred aliases.
                        found.append(
                            (
                                value, (bindingRank * 4096 + underscores) << 32 | found.count,
                                Entry(start: value, size: size, nameOffset: UInt32(namesBase + nameOffset))
                            ))
                    }
                }
                if let badOffset { throw ELFError("symbol name offset \(badOffset) past its string table") }
            }
        }
        // Among symbols at one address the preferred alias comes first.
        found.sort { ($0.start, $0.preference) < ($1.start, $1.preference) }
        var unique: [Entry] = []
        unique.reserveCapacity(found.count)
        for candidate in found where unique.last?.start != candidate.start {
            unique.append(candidate.entry)
        }
        entries = unique
        names = allNames
    }

    /// The NUL-terminated name at `offset`, cut at the name length limit.
    func name(at offset: UInt32) -> String {
        let start = Int(offset)
        guard start < names.count else { return "" }
        var end = start
        let limit = min(names.count, start + maximumNameBytes)
        while end < limit, names[end] != 0 { end += 1 }
        return String(decoding: names[start..<end], as: UTF8.self)
    }

    /// This file's segments and debug links with another file's symbols (a separate debug
    /// file or MiniDebugInfo), merged with its own: the other file's symbols win.
    package func adding(symbolsOf other: ELFSymbolTable) -> ELFSymbolTable {
        let shift = UInt32(other.names.count)
        var merged = other.entries
        var covered = Set(other.entries.map(\.start))
        for entry in entries where !covered.contains(entry.start) {
            merged.append(Entry(start: entry.start, size: entry.size, nameOffset: entry.nameOffset &+ shift))
            covered.insert(entry.start)
        }
        merged.sort { $0.start < $1.start }
        var info = debugInfo
        info.hasSymbolTable = true
        return ELFSymbolTable(
            entries: merged, names: other.names + names,
            maximumNameBytes: max(maximumNameBytes, other.maximumNameBytes),
            loadSegments: loadSegments, debugInfo: info)
    }

    /// Another file's symbols with this file's segments (a table cached by build-id, found
    /// again through a different file of the same build).
    func withSegments(of file: ELFSymbolTable) -> ELFSymbolTable {
        ELFSymbolTable(
            entries: entries, names: names, maximumNameBytes: maximumNameBytes, loadSegments: file.loadSegments,
            debugInfo: file.debugInfo)
    }

    init(entries: [Entry], names: [UInt8], maximumNameBytes: Int, loadSegments: [LoadSegment], debugInfo: ELFDebugInfo)
    {
        self.entries = entries
        self.names = names
        self.maximumNameBytes = maximumNameBytes
        self.loadSegments = loadSegments
        self.debugInfo = debugInfo
    }

    /// The function containing virtual address `address`, if a symbol covers it.
    package func symbol(containing address: UInt64) -> Symbol? {
        guard let index = entries.lastIndex(startingAtOrBelow: address, start: \.start) else { return nil }
        let candidate = entries[index]
        if candidate.size == 0, candidate.start != address { return nil }
        if candidate.size > 0, address - candidate.start >= candidate.size { return nil }
        return Symbol(start: candidate.start, size: candidate.size, name: name(at: candidate.nameOffset))
    }

    /// The virtual address at which file offset `fileOffset` is loaded, through the segment
    /// that contains it; nil when no loadable segment does.
    package func virtualAddress(forFileOffset fileOffset: UInt64) -> UInt64? {
        for segment in loadSegments
        where fileOffset >= segment.fileOffset && fileOffset - segment.fileOffset < segment.fileSize {
            return segment.virtualAddress &+ (fileOffset - segment.fileOffset)
        }
        return nil
    }
}

/// Why an ELF file was rejected.
package struct ELFError: Error, Sendable, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}

extension Array where Element == UInt8 {
    /// Little-endian integers at a byte offset the caller has bounds-checked.
    func u16(_ offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func u32(_ offset: Int) -> UInt32 { UInt32(u16(offset)) | UInt32(u16(offset + 2)) << 16 }
    func u64(_ offset: Int) -> UInt64 { UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32 }
}
