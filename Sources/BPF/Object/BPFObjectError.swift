/// Why a BPF ELF object could not be read: each case names what was wrong and where.
package enum BPFObjectError: Error, Sendable, Equatable, CustomStringConvertible {
    case notELF
    case unsupportedClass(elfClass: UInt8, dataEncoding: UInt8)
    case notBPF(machine: UInt16)
    case truncated(offset: UInt64, needed: UInt64)
    case corrupt(String)
    case missingSection(String)
    /// A map definition in `maps` shorter than `struct bpf_map_def`'s 20 bytes.
    case shortMapDefinition(map: String, bytes: UInt64)
    /// A relocation this loader does not apply (global data, bpf-to-bpf calls, BTF maps).
    case unsupportedRelocation(program: String, type: UInt32, symbol: String, offset: UInt64)
    /// A program section holding more than one function (`static __always_inline` the helpers).
    case severalFunctions(section: String, names: [String])

    package var description: String {
        switch self {
        case .notELF: return "not an ELF file"
        case .unsupportedClass(let elfClass, let encoding):
            return "ELF class \(elfClass), data encoding \(encoding): only ELF64 little-endian BPF objects are loaded"
        case .notBPF(let machine): return "ELF machine \(machine) is not BPF (247)"
        case .truncated(let offset, let needed): return "object truncated: \(needed) bytes needed at offset \(offset)"
        case .corrupt(let what): return "corrupt object: \(what)"
        case .missingSection(let name): return "object has no \(name) section"
        case .shortMapDefinition(let map, let bytes):
            return "map \(map): definition of \(bytes) bytes, struct bpf_map_def needs 20"
        case .unsupportedRelocation(let program, let type, let symbol, let offset):
            return
                "program \(program): relocation type \(type) against '\(symbol)' at byte \(offset) is not supported (only R_BPF_64_64 to a map of the `maps` section)"
        case .severalFunctions(let section, let names):
            return
                "section \(section) holds several functions (\(names.joined(separator: ", "))): mark helpers static __always_inline"
        }
    }
}
