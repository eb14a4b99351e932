import Foundation
import Testing
import TestSupport
@testable import Profiling

/// Symbol tables whose names stay in the file (read a name at a time, as the profiler does
/// for large binaries) must give exactly what a table read whole gives.
@Suite("ELF names on demand")
struct ELFNamesOnDemandTests {
    /// The same file parsed twice: whole from memory, and with its names left in the file.
    static func bothWays(_ path: String) throws -> (whole: ELFSymbolTable, onDemand: ELFSymbolTable) {
        let whole = try ELFSymbolTable(source: ELFMemorySource(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
        let root = try #require(FilesystemRoot(path: "/"))
        let file = try #require(ELFOpenFile(in: root, path: path))
        let onDemand = try ELFSymbolTable(file: file, residentNameBytes: 0)
        return (whole, onDemand)
    }

    /// Addresses around every symbol (its start, last byte, first byte after, a byte before),
    /// and every `stride`th of them when there are many.
    static func probeAddresses(_ symbols: [ELFSymbolTable.Symbol], stride: Int) -> [UInt64] {
        var addresses: [UInt64] = []
        for (index, symbol) in symbols.enumerated() where index % stride == 0 {
            addresses += [symbol.start, symbol.start &- 1, symbol.start &+ symbol.size, symbol.start &+ 1]
            if symbol.size > 0 { addresses.append(symbol.start + symbol.size - 1) }
        }
        return addresses
    }

    static func testBundlePath() throws -> String {
        let maps = ProcessMappings(parsing: try String(contentsOfFile: "/proc/self/maps", encoding: .utf8))
        return try #require(maps.mappings.first { $0.path.hasSuffix("PackageTests.xctest") }?.path)
    }

    static func expectSame(_ path: String, stride: Int = 1) throws {
        let (whole, onDemand) = try bothWays(path)
        #expect(onDemand.namesFile != nil)
        #expect(onDemand.loadSegments == whole.loadSegments)
        #expect(onDemand.debugInfo == whole.debugInfo)
        let symbols = whole.symbols
        #expect(onDemand.symbols == symbols)
        for address in probeAddresses(symbols, stride: stride) {
            #expect(onDemand.symbol(containing: address) == whole.symbol(containing: address))
        }
    }

    @Test("the test binary's .symtab: the same symbols and the same lookups")
    func testBinary() throws {
        try Self.expectSame(try Self.testBundlePath(), stride: 7)
    }

    @Test("libc's .dynsym, aliases and all: the same symbols and the same lookups")
    func sharedLibrary() throws {
        try Self.expectSame("/lib/x86_64-linux-gnu/libc.so.6")
    }

    @Test(
        "a compiler's 30 MB of names: the same symbols and the same lookups",
        .enabled(if: FileManager.default.fileExists(atPath: "/opt/swift/usr/bin/swift-frontend")))
    func compiler() throws {
        try Self.expectSame("/opt/swift/usr/bin/swift-frontend", stride: 97)
    }

    /// Aliases at one address, an address whose only symbol has no name, and two symbol
    /// tables in one file: the choices a table read whole makes.
    @Test("aliases, nameless symbols and two tables choose as a table read whole does")
    func aliases() throws {
        let local = 0, global = 1, weak = 2
        let file = SyntheticELF(tables: [
            [
                .init(name: "_local_one", value: 0x1000, size: 0x10, binding: local),
                .init(name: "__global_two", value: 0x1000, size: 0x20, binding: global),
                .init(name: "weak_none", value: 0x1000, size: 0x30, binding: weak),
                .init(name: "_global_one", value: 0x1000, size: 0x40, binding: global),
                .init(name: "_global_one_again", value: 0x1000, size: 0x50, binding: global),
                .init(name: "covers", value: 0x1800, size: 0x1000, binding: global),
                .init(name: "", value: 0x2000, size: 0x100, binding: global),
                .init(name: "", value: 0x3000, size: 0, binding: global),
                .init(name: "weak_then", value: 0x4000, size: 8, binding: weak),
                .init(name: "_local_then", value: 0x4000, size: 8, binding: local)
            ],
            [
                .init(name: "second_table", value: 0x5000, size: 0x10, binding: global),
                .init(name: "", value: 0x5000, size: 0x10, binding: global)
            ]
        ])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-aliases-\(getpid())").path
        try Data(file.bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (whole, onDemand) = try Self.bothWays(path)
        #expect(whole.symbol(containing: 0x1000)?.name == "_global_one")
        #expect(whole.symbol(containing: 0x2010)?.name == "covers")
        #expect(whole.symbol(containing: 0x4000)?.name == "weak_then")
        #expect(whole.symbol(containing: 0x5008)?.name == "second_table")
        #expect(onDemand.symbols == whole.symbols)
        for address in stride(from: UInt64(0xF00), to: 0x5100, by: 8) {
            #expect(onDemand.symbol(containing: address) == whole.symbol(containing: address))
        }
    }

    /// A container may truncate a file the profiler holds open: lookups then find nothing
    /// where the names are gone, and never crash.
    @Test("a file truncated after it was opened gives no names past its end, without crashing")
    func truncatedAfterOpening() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-truncated-\(getpid())").path
        try Data(contentsOf: URL(fileURLWithPath: "/lib/x86_64-linux-gnu/libc.so.6")).write(
            to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (whole, onDemand) = try Self.bothWays(path)
        let symbols = whole.symbols
        #expect(truncate(path, 4096) == 0)
        var named = 0
        for address in Self.probeAddresses(symbols, stride: 3) {
            if let found = onDemand.symbol(containing: address) {
                #expect(found == whole.symbol(containing: address))
                named += 1
            }
        }
        #expect(named == 0)
    }

    /// The ELF parser fuzz, through the file: every corrupt or truncated file either fails
    /// both ways or gives the same symbols both ways.
    @Test("corrupt and truncated files fail or agree both ways, and never crash")
    func corruptFiles() throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: "/lib/x86_64-linux-gnu/libacl.so.1")))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-corrupt-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sectionHeaders = Int(
            UInt64(original[40]) | UInt64(original[41]) << 8 | UInt64(original[42]) << 16 | UInt64(original[43]) << 24)
        var random = Fuzzing.Generator(seed: 18)
        let root = try #require(FilesystemRoot(path: "/"))
        for iteration in 0..<Fuzzing.caseCount(default: 300) {
            var bytes = original
            for _ in 0..<Int.random(in: 1...16, using: &random) {
                let index: Int
                switch Int.random(in: 0..<3, using: &random) {
                case 0: index = Int.random(in: 0..<64, using: &random)
                case 1: index = min(bytes.count - 1, sectionHeaders + Int.random(in: 0..<(64 * 30), using: &random))
                default: index = Int.random(in: 0..<bytes.count, using: &random)
                }
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            if iteration % 10 == 0 { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random)) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let whole = try? ELFSymbolTable(source: ELFMemorySource(bytes))
            let file = try #require(ELFOpenFile(in: root, path: path))
            let onDemand = try? ELFSymbolTable(file: file, residentNameBytes: 0)
            #expect((whole == nil) == (onDemand == nil), "case \(iteration)")
            guard let whole, let onDemand else { continue }
            #expect(onDemand.symbols == whole.symbols, "case \(iteration)")
            for _ in 0..<64 {
                let address = UInt64.random(in: 0...0x10_0000, using: &random)
                #expect(onDemand.symbol(containing: address) == whole.symbol(containing: address), "case \(iteration)")
            }
        }
    }
}

/// A minimal ELF64 little-endian file: no program headers, one `.symtab`/`.strtab` pair per
/// table, and `.shstrtab`.
struct SyntheticELF {
    struct Symbol {
        var name: String
        var value: UInt64
        var size: UInt64
        /// STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2.
        var binding: Int
    }

    let bytes: [UInt8]

    init(tables: [[Symbol]]) {
        var body: [UInt8] = []
        var sections: [(name: UInt32, type: UInt32, offset: UInt64, size: UInt64, link: UInt32, entrySize: UInt64)] = [
            (0, 0, 0, 0, 0, 0)
        ]
        let sectionNames = Array("\0.symtab\0.strtab\0.shstrtab\0".utf8)
        for symbols in tables {
            var strings: [UInt8] = [0]
            var entries = [UInt8](repeating: 0, count: 24)
            for symbol in symbols {
                let nameOffset = symbol.name.isEmpty ? 0 : UInt32(strings.count)
                if !symbol.name.isEmpty { strings += Array(symbol.name.utf8) + [0] }
                var entry = [UInt8](repeating: 0, count: 24)
                Self.put(UInt64(nameOffset), 4, at: 0, in: &entry)
                entry[4] = UInt8(symbol.binding << 4 | 2)
                Self.put(1, 2, at: 6, in: &entry)
                Self.put(symbol.value, 8, at: 8, in: &entry)
                Self.put(symbol.size, 8, at: 16, in: &entry)
                entries += entry
            }
            let symbolsOffset = UInt64(64 + body.count)
            body += entries
            let stringsOffset = UInt64(64 + body.count)
            body += strings
            let stringsIndex = UInt32(sections.count + 1)
            sections.append((1, 2, symbolsOffset, UInt64(entries.count), stringsIndex, 24))
            sections.append((9, 3, stringsOffset, UInt64(strings.count), 0, 0))
        }
        sections.append((17, 3, UInt64(64 + body.count), UInt64(sectionNames.count), 0, 0))
        body += sectionNames
        while body.count % 8 != 0 { body.append(0) }
        let sectionOffset = UInt64(64 + body.count)
        var header = [UInt8](repeating: 0, count: 64)
        header[0...5] = [0x7F, 0x45, 0x4C, 0x46, 2, 1]
        header[6] = 1
        Self.put(3, 2, at: 16, in: &header)
        Self.put(62, 2, at: 18, in: &header)
        Self.put(sectionOffset, 8, at: 40, in: &header)
        Self.put(64, 2, at: 52, in: &header)
        Self.put(64, 2, at: 58, in: &header)
        Self.put(UInt64(sections.count), 2, at: 60, in: &header)
        Self.put(UInt64(sections.count - 1), 2, at: 62, in: &header)
        var table: [UInt8] = []
        for section in sections {
            var entry = [UInt8](repeating: 0, count: 64)
            Self.put(UInt64(section.name), 4, at: 0, in: &entry)
            Self.put(UInt64(section.type), 4, at: 4, in: &entry)
            Self.put(section.offset, 8, at: 24, in: &entry)
            Self.put(section.size, 8, at: 32, in: &entry)
            Self.put(UInt64(section.link), 4, at: 40, in: &entry)
            Self.put(section.entrySize, 8, at: 56, in: &entry)
            table += entry
        }
        bytes = header + body + table
    }

    static func put(_ value: UInt64, _ width: Int, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<width { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}
