/// Where an ELF file's bytes come from: a descriptor read with `pread`, or memory (tests, fuzzing).
package protocol ELFByteSource {
    /// The file size in bytes.
    var byteCount: UInt64 { get }
    /// `count` bytes at `offset`, or nil when the range is outside the file or unreadable.
    func bytes(at offset: UInt64, count: Int) -> [UInt8]?
    /// Fills `buffer` with the bytes at `offset`; false when the range is outside the file or unreadable.
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool
}

extension ELFByteSource {
    package func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard let bytes = bytes(at: offset, count: buffer.count) else { return false }
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return true
    }
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
///
/// Opened from an `ELFOpenFile` with large string tables, the names stay in the file: only
/// the symbol entries are read and sorted, and a lookup reads the names of the aliases at the
/// address it lands on. Both ways give the same symbols.
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

    /// A function symbol without its name: a binary with a million symbols costs a sort of
    /// small values, not a million Strings.
    struct Entry: Sendable {
        var start: UInt64
        var size: UInt64
        /// Where the NUL-terminated name starts among the concatenated string tables.
        var nameOffset: UInt32
        /// The binding's rank (global 0, weak 1, local 2) in the top two bits and the position
        /// in the file below: aliases at one address sort by it.
        var order: UInt32

        var bindingRank: UInt32 { order >> 30 }
    }

    /// Function symbols sorted by start address and `order` (from `.symtab`, or from `.dynsym`
    /// in a file without one). With resident names, one per address (the preferred alias);
    /// with names on demand, every alias, chosen among at lookup.
    let entries: [Entry]
    let names: ELFSymbolNames
    /// The longest name read.
    let maximumNameBytes: Int

    /// Every function symbol with its name (reads and builds every name: for tests, probes
    /// and merging, not lookups).
    package var symbols: [Symbol] {
        var found: [Symbol] = []
        forEachPreferredAlias { entry, name in
            found.append(Symbol(start: entry.start, size: entry.size, name: String(decoding: name, as: UTF8.self)))
        }
        return found
    }

    /// Calls `body` with each address's preferred alias and its name bytes, in address order,
    /// without remembering them.
    private func forEachPreferredAlias(_ body: (Entry, ArraySlice<UInt8>) -> Void) {
        var first = 0
        while first < entries.count {
            var end = first + 1
            while end < entries.count, entries[end].start == entries[first].start { end += 1 }
            if case .chosen(let index, let name) = Self.preferredAlias(
                in: first..<end, of: entries, names: names, maximumNameBytes: maximumNameBytes)
            {
                body(entries[index], name)
            }
            first = end
        }
    }

    /// The loadable segments, in file order.
    package let loadSegments: [LoadSegment]
    /// Where separate debug symbols may be found, and whether they are needed.
    package let debugInfo: ELFDebugInfo
    /// `debugInfo.buildIDHex`, formatted once: every symbolized frame carries it.
    package let buildIDHex: String?

    /// The open file names are read from, when they are read on demand.
    package var namesFile: ELFOpenFile? {
        if case .onDemand(let tables) = names { return tables.file }
        return nil
    }

    /// Limits on what a file may make the parser read or allocate.
    package struct Limits: Sendable {
        package var maximumTableBytes: UInt64 = 256 << 20
        package var maximumSymbols = 4_000_000
        package var maximumNameBytes = 4096
        package init() {}
    }

    /// Parses the section and program headers and the symbol tables of `source`, names and all.
    package init(source: some ELFByteSource, limits: Limits = Limits()) throws(ELFError) {
        try self.init(parsing: source, limits: limits, namesFile: nil, residentNameBytes: .max)
    }

    /// Parses `file`; when its string tables hold more than `residentNameBytes`, they stay in
    /// the file (kept open by the table) and are read a name at a time.
    package init(file: ELFOpenFile, limits: Limits = Limits(), residentNameBytes: Int) throws(ELFError) {
        try self.init(parsing: file, limits: limits, namesFile: file, residentNameBytes: residentNameBytes)
    }

    /// Symbol table entries read per `pread`, into one reused buffer.
    static let entriesPerRead = 8192

    private init(
        parsing source: some ELFByteSource, limits: Limits, namesFile: ELFOpenFile?, residentNameBytes: Int
    ) throws(ELFError) {
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
            names = .resident([])
            debugInfo = ELFDebugInfo()
            buildIDHex = nil
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
        buildIDHex = debug.buildIDHex
        // .symtab (2) is the complete table; .dynsym (11), a subset of it, is read only in
        // stripped files that have no .symtab (reading both doubled the work on large binaries).
        let wantedType: UInt32 = debug.hasSymbolTable ? 2 : 11
        let symbolTables = (0..<sectionCount).filter { section($0).type == wantedType }
        // The names stay in the file only when they are large: a small library is read whole.
        var nameBytesInFile: UInt64 = 0
        for index in symbolTables { nameBytesInFile &+= section(section(index).link % sectionCount).size }
        let namesStayInFile = namesFile != nil && nameBytesInFile > UInt64(residentNameBytes)

        var found: [Entry] = []
        var residentNames: [UInt8] = []
        var fileTables: [ELFStringTables.Table] = []
        var namesCount = 0
        var buffer = [UInt8](repeating: 0, count: Self.entriesPerRead * 24)
        let maximumSymbols = min(limits.maximumSymbols, 1 << 30)
        for index in symbolTables {
            let table = section(index)
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
            guard found.count + symbolCount <= maximumSymbols else {
                throw ELFError("more than \(limits.maximumSymbols) symbols")
            }
            guard namesCount + Int(strings.size) < Int(UInt32.max) else {
                throw ELFError("string tables larger than 4 GiB")
            }
            let stringCount = Int(strings.size)
            guard table.offset <= source.byteCount, UInt64(symbolCount * 24) <= source.byteCount - table.offset,
                strings.offset <= source.byteCount, strings.size <= source.byteCount - strings.offset
            else { throw ELFError("symbol table \(index) or its strings lie outside the file") }
            if namesStayInFile {
                fileTables.append(
                    ELFStringTables.Table(base: UInt32(namesCount), fileOffset: strings.offset, size: strings.size))
            } else {
                guard let tableNames = source.bytes(at: strings.offset, count: stringCount) else {
                    throw ELFError("symbol table \(index) or its strings lie outside the file")
                }
                if residentNames.isEmpty { residentNames = tableNames } else { residentNames += tableNames }
                // A terminator after each table, so a name that runs to its table's end stops there.
                residentNames.append(0)
            }
            let namesBase = UInt32(namesCount)
            namesCount += stringCount + 1
            found.reserveCapacity(found.count + symbolCount)
            var first = 0
            while first < symbolCount {
                let count = min(Self.entriesPerRead, symbolCount - first)
                let failure = buffer.withUnsafeMutableBytes { raw -> ELFError? in
                    let chunk = UnsafeMutableRawBufferPointer(rebasing: raw[..<(count * 24)])
                    guard source.read(at: table.offset + UInt64(first * 24), into: chunk) else {
                        return ELFError("symbol table \(index) or its strings lie outside the file")
                    }
                    for symbol in 0..<count {
                        let base = symbol * 24
                        let info = chunk[base + 4]
                        let kind = info & 0x0F
                        // STT_FUNC and STT_GNU_IFUNC, defined (section index not SHN_UNDEF).
                        guard kind == 2 || kind == 10,
                            chunk.loadUnaligned(fromByteOffset: base + 6, as: UInt16.self) != 0
                        else { continue }
                        let value = UInt64(
                            littleEndian: chunk.loadUnaligned(fromByteOffset: base + 8, as: UInt64.self))
                        guard value != 0 else { continue }
                        let nameOffset = UInt32(
                            littleEndian: chunk.loadUnaligned(fromByteOffset: base, as: UInt32.self))
                        guard Int(nameOffset) < stringCount else {
                            return ELFError("symbol name offset \(nameOffset) past its string table")
                        }
                        // Aliases share an address (printf and _IO_printf): the binding and the
                        // position order them; names (empty or not, leading underscores) are
                        // looked at only among the aliases of an address, when one is chosen.
                        let binding = info >> 4
                        let bindingRank: UInt32 = binding == 1 ? 0 : (binding == 2 ? 1 : 2)
                        let size = UInt64(
                            littleEndian: chunk.loadUnaligned(fromByteOffset: base + 16, as: UInt64.self))
                        found.append(
                            Entry(
                                start: value, size: size, nameOffset: namesBase + nameOffset,
                                order: bindingRank << 30 | UInt32(found.count)))
                    }
                    return nil
                }
                if let failure { throw failure }
                first += count
            }
        }
        found = Entry.sortedByAddress(found)
        if namesStayInFile, let namesFile {
            entries = found
            names = .onDemand(ELFStringTables(file: namesFile, tables: fileTables))
        } else {
            // Resident names: choose each address's alias now, as lookups expect one per address.
            let resident = ELFSymbolNames.resident(residentNames)
            var unique: [Entry] = []
            unique.reserveCapacity(found.count)
            var first = 0
            while first < found.count {
                var end = first + 1
                while end < found.count, found[end].start == found[first].start { end += 1 }
                if case .chosen(let index, _) = Self.preferredAlias(
                    in: first..<end, of: found, names: resident, maximumNameBytes: limits.maximumNameBytes)
                {
                    unique.append(found[index])
                }
                first = end
            }
            entries = unique
            names = resident
        }
    }

    /// Which alias a lookup names, once chosen.
    enum AliasChoice: Sendable {
        case chosen(index: Int, name: String)
        /// Every alias at the address has an empty name: the address is as if it had no symbol.
        case noName
        /// The names could not be read (the file shrank since it was opened).
        case unreadable
    }

    /// `AliasChoice` with the name's bytes, before any String is made.
    enum AliasBytes {
        case chosen(index: Int, name: ArraySlice<UInt8>)
        case noName
        case unreadable
    }

    /// Among the aliases `range` of `entries` (one address, sorted by binding then position):
    /// a non-empty name, global over weak over local binding, then the fewest leading
    /// underscores (counted up to 4,095), then the first in the file.
    static func preferredAlias(
        in range: Range<Int>, of entries: [Entry], names: ELFSymbolNames, maximumNameBytes: Int
    ) -> AliasBytes {
        var best: (index: Int, name: ArraySlice<UInt8>, rank: UInt32, underscores: Int)?
        for index in range {
            let entry = entries[index]
            // Later aliases have a lower binding or come later: none can win any more.
            if let best, entry.bindingRank > best.rank || best.underscores == 0 { break }
            guard let bytes = names.bytes(at: entry.nameOffset, maximum: max(maximumNameBytes, 4095)) else {
                return .unreadable
            }
            guard let first = bytes.first, first != 0 else { continue }
            var underscores = 0
            for byte in bytes.prefix(4095) {
                guard byte == UInt8(ascii: "_") else { break }
                underscores += 1
            }
            if let best, best.underscores <= underscores { continue }
            let cut = bytes.prefix(maximumNameBytes)
            best = (index, cut[..<(cut.firstIndex(of: 0) ?? cut.endIndex)], entry.bindingRank, underscores)
        }
        guard let best else { return .noName }
        return .chosen(index: best.index, name: best.name)
    }

    /// The alias a lookup names among `range`, remembered per address when names are read on demand.
    func chooseAlias(in range: Range<Int>) -> AliasChoice {
        func choose() -> AliasChoice {
            switch Self.preferredAlias(in: range, of: entries, names: names, maximumNameBytes: maximumNameBytes) {
            case .chosen(let index, let name): .chosen(index: index, name: String(decoding: name, as: UTF8.self))
            case .noName: .noName
            case .unreadable: .unreadable
            }
        }
        guard case .onDemand(let tables) = names else { return choose() }
        if let known = tables.choices.withLock({ $0[range.upperBound - 1] }) { return known }
        let choice = choose()
        tables.choices.withLock { $0[range.upperBound - 1] = choice }
        return choice
    }

    /// This file's segments and debug links with another file's symbols (a separate debug
    /// file or MiniDebugInfo), merged with its own: the other file's symbols win.
    package func adding(symbolsOf other: ELFSymbolTable) -> ELFSymbolTable {
        let mine = resident(), theirs = other.resident()
        guard case .resident(let myNames) = mine.names, case .resident(let theirNames) = theirs.names else {
            return self
        }
        let shift = UInt32(theirNames.count)
        var merged = theirs.entries
        var covered = Set(theirs.entries.map(\.start))
        for entry in mine.entries where !covered.contains(entry.start) {
            var moved = entry
            moved.nameOffset = entry.nameOffset &+ shift
            merged.append(moved)
            covered.insert(entry.start)
        }
        merged.sort { $0.start < $1.start }
        var info = debugInfo
        info.hasSymbolTable = true
        return ELFSymbolTable(
            entries: merged, names: .resident(theirNames + myNames),
            maximumNameBytes: max(maximumNameBytes, other.maximumNameBytes),
            loadSegments: loadSegments, debugInfo: info)
    }

    /// The same symbols with their names in memory, one entry per address.
    func resident() -> ELFSymbolTable {
        guard case .onDemand = names else { return self }
        var unique: [Entry] = []
        var bytes: [UInt8] = []
        forEachPreferredAlias { entry, name in
            unique.append(Entry(start: entry.start, size: entry.size, nameOffset: UInt32(bytes.count), order: 0))
            bytes += name
            bytes.append(0)
        }
        return ELFSymbolTable(
            entries: unique, names: .resident(bytes), maximumNameBytes: maximumNameBytes,
            loadSegments: loadSegments, debugInfo: debugInfo)
    }

    /// Another file's symbols with this file's segments (a table cached by build-id, found
    /// again through a different file of the same build).
    func withSegments(of file: ELFSymbolTable) -> ELFSymbolTable {
        ELFSymbolTable(
            entries: entries, names: names, maximumNameBytes: maximumNameBytes, loadSegments: file.loadSegments,
            debugInfo: file.debugInfo)
    }

    init(
        entries: [Entry], names: ELFSymbolNames, maximumNameBytes: Int, loadSegments: [LoadSegment],
        debugInfo: ELFDebugInfo
    ) {
        self.entries = entries
        self.names = names
        self.maximumNameBytes = maximumNameBytes
        self.loadSegments = loadSegments
        self.debugInfo = debugInfo
        buildIDHex = debugInfo.buildIDHex
    }

    /// The function containing virtual address `address`, if a symbol covers it.
    package func symbol(containing address: UInt64) -> Symbol? {
        guard var last = entries.lastIndex(startingAtOrBelow: address, start: \.start) else { return nil }
        while true {
            var first = last
            while first > 0, entries[first - 1].start == entries[last].start { first -= 1 }
            switch chooseAlias(in: first..<(last + 1)) {
            case .unreadable:
                return nil
            case .noName:
                // As if the nameless symbols were not there: the one before may cover the address.
                guard first > 0 else { return nil }
                last = first - 1
            case .chosen(let index, let name):
                let candidate = entries[index]
                if candidate.size == 0, candidate.start != address { return nil }
                if candidate.size > 0, address - candidate.start >= candidate.size { return nil }
                return Symbol(start: candidate.start, size: candidate.size, name: name)
            }
        }
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
