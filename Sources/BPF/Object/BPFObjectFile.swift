/// A parsed BPF ELF object: its programs, maps and license, ready to load.
///
/// Only what Periscope's own programs use is accepted: legacy `SEC("maps")` definitions
/// (`struct bpf_map_def`), one function per program section, and `R_BPF_64_64` relocations
/// of `ld_imm64` to those maps. Anything else is refused by name, never loaded half-patched.
package struct BPFObjectFile: Sendable, Equatable {
    package var programs: [BPFProgramSpec]
    package var maps: [BPFMapSpec]
    /// The `license` section ("GPL" unlocks GPL-only helpers).
    package var license: String

    /// `R_BPF_64_64`: a 64-bit immediate (`ld_imm64`) holding a symbol's address.
    static let relocation64 = UInt32(1)

    /// Parses `contents` (a whole `.o` file).
    package init(contents: [UInt8]) throws(BPFObjectError) {
        let reader = try ELFObjectReader(contents)
        let symbols = try reader.symbols()
        let mapsSection = reader.section(named: "maps")

        var maps: [BPFMapSpec] = []
        if let mapsSection {
            _ = try reader.contents(of: mapsSection)  // bounds of the whole section first
            for symbol in symbols
            where Int(symbol.sectionIndex) == mapsSection.index && !symbol.name.isEmpty && symbol.type != 3 {
                guard symbol.value <= mapsSection.byteCount, mapsSection.byteCount - symbol.value >= 20 else {
                    throw .shortMapDefinition(map: symbol.name, bytes: mapsSection.byteCount &- symbol.value)
                }
                let field = { (index: UInt64) throws(BPFObjectError) -> UInt32 in
                    try reader.bytes.integer(at: mapsSection.fileOffset &+ symbol.value &+ index &* 4)
                }
                maps.append(
                    BPFMapSpec(
                        name: symbol.name, type: try field(0), keyByteCount: try field(1), valueByteCount: try field(2),
                        maximumEntries: try field(3), flags: try field(4), sectionOffset: symbol.value))
            }
        }

        var programs: [BPFProgramSpec] = []
        for section in reader.sections where section.isExecutable && section.byteCount > 0 {
            let functions = symbols.filter { $0.isFunction && Int($0.sectionIndex) == section.index }
            guard functions.count <= 1 else {
                throw .severalFunctions(section: section.name, names: functions.map(\.name))
            }
            let name = functions.first?.name ?? section.name
            var references: [BPFProgramSpec.MapReference] = []
            for relocation in try reader.relocations(for: section) {
                guard Int(relocation.symbolIndex) < symbols.count else {
                    throw .corrupt(
                        "relocation of \(section.name) names symbol \(relocation.symbolIndex) of \(symbols.count)")
                }
                let symbol = symbols[Int(relocation.symbolIndex)]
                guard relocation.type == Self.relocation64, let mapsSection,
                    Int(symbol.sectionIndex) == mapsSection.index,
                    let map = maps.first(where: { $0.sectionOffset == symbol.value }),
                    relocation.offset % 8 == 0, section.byteCount >= 16, relocation.offset <= section.byteCount - 16
                else {
                    throw .unsupportedRelocation(
                        program: name, type: relocation.type, symbol: symbol.name, offset: relocation.offset)
                }
                references.append(.init(instructionIndex: Int(relocation.offset / 8), mapName: map.name))
            }
            programs.append(
                BPFProgramSpec(
                    name: name, sectionName: section.name, instructions: Array(try reader.contents(of: section)),
                    mapReferences: references))
        }

        let license = try reader.section(named: "license").map { section throws(BPFObjectError) in
            let bytes = try reader.contents(of: section)
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        self.programs = programs
        self.maps = maps
        self.license = license ?? ""
    }

    /// The program in `sectionName`, if any.
    package func program(inSection sectionName: String) -> BPFProgramSpec? {
        programs.first { $0.sectionName == sectionName }
    }
}
