/// One section header of an ELF64 object, with its name resolved.
struct ELFSection: Sendable, Equatable {
    /// `SHT_PROGBITS`, `SHT_SYMTAB`, `SHT_REL`, ...
    enum Kind: UInt32 {
        case null = 0, programBits = 1, symbolTable = 2, stringTable = 3, relocationsWithAddend = 4
        case noBits = 8, relocations = 9
    }

    var index: Int
    var name: String
    var type: UInt32
    var flags: UInt64
    var fileOffset: UInt64
    var byteCount: UInt64
    /// For a symbol table: its string table's index.
    var link: UInt32
    /// For a relocation section: the index of the section it patches.
    var info: UInt32

    /// `SHF_EXECINSTR`: the section holds instructions.
    var isExecutable: Bool { flags & 0x4 != 0 }
    var kind: Kind? { Kind(rawValue: type) }
}

/// A symbol of `.symtab`.
struct ELFSymbol: Sendable, Equatable {
    var name: String
    /// `STT_FUNC` 2, `STT_OBJECT` 1, `STT_SECTION` 3 (low nibble of st_info).
    var type: UInt8
    var sectionIndex: UInt16
    var value: UInt64
    var size: UInt64

    var isFunction: Bool { type == 2 }
}

/// An `Elf64_Rel` entry: patch the instruction at `offset` of the target section for `symbolIndex`.
struct ELFRelocation: Sendable, Equatable {
    var offset: UInt64
    var symbolIndex: UInt32
    /// `R_BPF_64_64` (1) for an `ld_imm64` of a map address; `R_BPF_64_32` (10) for a call.
    var type: UInt32
}
