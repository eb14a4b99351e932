/// Reads the sections, symbols and relocations of an ELF64 little-endian BPF object.
struct ELFObjectReader {
    static let machineBPF: UInt16 = 247

    let bytes: ELFBytes
    let sections: [ELFSection]

    init(_ contents: [UInt8]) throws(BPFObjectError) {
        let bytes = ELFBytes(bytes: contents)
        guard contents.count >= 64, contents[0..<4].elementsEqual([0x7f, 0x45, 0x4c, 0x46]) else { throw .notELF }
        guard contents[4] == 2, contents[5] == 1 else {
            throw .unsupportedClass(elfClass: contents[4], dataEncoding: contents[5])
        }
        let machine: UInt16 = try bytes.integer(at: 0x12)
        guard machine == Self.machineBPF else { throw .notBPF(machine: machine) }
        let sectionTable: UInt64 = try bytes.integer(at: 0x28)
        let entrySize: UInt16 = try bytes.integer(at: 0x3a)
        let count: UInt16 = try bytes.integer(at: 0x3c)
        let namesIndex: UInt16 = try bytes.integer(at: 0x3e)
        guard entrySize == 64, namesIndex < count else {
            throw .corrupt("section header size \(entrySize), names index \(namesIndex) of \(count)")
        }
        var raw: [ELFSection] = []
        for index in 0..<Int(count) {
            let base = sectionTable &+ UInt64(index) &* 64
            raw.append(
                ELFSection(
                    index: index, name: "",
                    type: try bytes.integer(at: base &+ 4), flags: try bytes.integer(at: base &+ 8),
                    fileOffset: try bytes.integer(at: base &+ 24), byteCount: try bytes.integer(at: base &+ 32),
                    link: try bytes.integer(at: base &+ 40), info: try bytes.integer(at: base &+ 44)))
        }
        let names = raw[Int(namesIndex)]
        let nameTable = try bytes.slice(at: names.fileOffset, count: names.byteCount)
        for index in raw.indices {
            let nameOffset: UInt32 = try bytes.integer(at: sectionTable &+ UInt64(index) &* 64)
            raw[index].name = ELFBytes.string(in: nameTable, at: nameOffset)
        }
        self.bytes = bytes
        self.sections = raw
    }

    func section(named name: String) -> ELFSection? { sections.first { $0.name == name } }

    /// The bytes of a section (empty for `SHT_NOBITS`).
    func contents(of section: ELFSection) throws(BPFObjectError) -> ArraySlice<UInt8> {
        section.kind == .noBits ? [] : try bytes.slice(at: section.fileOffset, count: section.byteCount)
    }

    /// Every symbol of `.symtab`, by index (index 0 is the null symbol).
    func symbols() throws(BPFObjectError) -> [ELFSymbol] {
        guard let table = sections.first(where: { $0.kind == .symbolTable }) else { throw .missingSection(".symtab") }
        guard Int(table.link) < sections.count else { throw .corrupt(".symtab links to section \(table.link)") }
        let names = try contents(of: sections[Int(table.link)])
        _ = try contents(of: table)  // the whole table inside the file before it is walked
        var symbols: [ELFSymbol] = []
        for index in 0..<Int(table.byteCount / 24) {
            let base = table.fileOffset &+ UInt64(index) &* 24
            let info: UInt8 = try bytes.integer(at: base &+ 4)
            symbols.append(
                ELFSymbol(
                    name: ELFBytes.string(in: names, at: try bytes.integer(at: base)), type: info & 0xf,
                    sectionIndex: try bytes.integer(at: base &+ 6), value: try bytes.integer(at: base &+ 8),
                    size: try bytes.integer(at: base &+ 16)))
        }
        return symbols
    }

    /// The `SHT_REL` entries that patch section `target`.
    func relocations(for target: ELFSection) throws(BPFObjectError) -> [ELFRelocation] {
        guard let table = sections.first(where: { $0.kind == .relocations && Int($0.info) == target.index }) else {
            return []
        }
        _ = try contents(of: table)  // the whole table inside the file before it is walked
        var relocations: [ELFRelocation] = []
        for index in 0..<Int(table.byteCount / 16) {
            let base = table.fileOffset &+ UInt64(index) &* 16
            let info: UInt64 = try bytes.integer(at: base &+ 8)
            relocations.append(
                ELFRelocation(
                    offset: try bytes.integer(at: base), symbolIndex: UInt32(info >> 32),
                    type: UInt32(truncatingIfNeeded: info)))
        }
        return relocations
    }
}
