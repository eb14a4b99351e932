import Foundation
import Testing
import TestSupport
@testable import Profiling

@Suite("ELF symbol tables")
struct ELFSymbolTableTests {
    static func table(_ path: String) throws -> ELFSymbolTable {
        try ELFSymbolTable(source: ELFMemorySource(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
    }

    @Test("the test binary's own .symtab names the parser's functions, and lookups land inside them")
    func testBinary() throws {
        // Swift Testing may run inside a helper process that loads the test bundle: find
        // the bundle among this process's mappings rather than trusting /proc/self/exe.
        let maps = ProcessMappings(parsing: try String(contentsOfFile: "/proc/self/maps", encoding: .utf8))
        let path = try #require(maps.mappings.first { $0.path.hasSuffix("PackageTests.xctest") }?.path)
        let table = try Self.table(path)
        #expect(table.symbols.count > 1_000)
        #expect(!table.loadSegments.isEmpty)
        let mine = try #require(
            table.symbols.first { $0.name.hasPrefix("$s9Profiling14ELFSymbolTableV6symbol10containing") && $0.size > 0 }
        )
        #expect(table.symbol(containing: mine.start) == mine)
        #expect(table.symbol(containing: mine.start + mine.size - 1) == mine)
        #expect(table.symbols.contains { $0.name == "main" })
    }

    @Test("libc's .dynsym gives malloc and printf")
    func sharedLibrary() throws {
        let table = try Self.table("/lib/x86_64-linux-gnu/libc.so.6")
        let names = Set(table.symbols.map(\.name))
        #expect(names.contains("malloc"))
        #expect(names.contains("printf"))
        let malloc = try #require(table.symbols.first { $0.name == "malloc" })
        // libc's text is loaded at its file offset plus the segment's bias: round-trip it.
        let segment = try #require(
            table.loadSegments.first {
                malloc.start >= $0.virtualAddress && malloc.start - $0.virtualAddress < $0.fileSize
            })
        let fileOffset = malloc.start - segment.virtualAddress + segment.fileOffset
        #expect(table.virtualAddress(forFileOffset: fileOffset) == malloc.start)
    }

    /// Debian's /bin/busybox is static and stripped: no .symtab and no .dynsym. It must parse
    /// (segments found, zero functions), so its frames fall back to [busybox+0xoffset].
    @Test(
        "static stripped /bin/busybox parses to load segments and no symbols",
        .enabled(if: FileManager.default.fileExists(atPath: "/bin/busybox")))
    func staticStrippedBusybox() throws {
        let table = try Self.table("/bin/busybox")
        #expect(!table.loadSegments.isEmpty)
        #expect(table.symbols.isEmpty)
        #expect(
            table.virtualAddress(forFileOffset: table.loadSegments[0].fileOffset)
                == table.loadSegments[0].virtualAddress)
    }

    @Test(
        "non-ELF, 32-bit, big-endian and truncated inputs are rejected",
        arguments: [
            [UInt8](), Array("#!/bin/sh\necho hi\n".utf8),
            [0x7F, 0x45, 0x4C, 0x46, 1, 1] + [UInt8](repeating: 0, count: 58),
            [0x7F, 0x45, 0x4C, 0x46, 2, 2] + [UInt8](repeating: 0, count: 58),
            [0x7F, 0x45, 0x4C, 0x46, 2, 1] + [UInt8](repeating: 0, count: 20)
        ])
    func rejectsGarbage(bytes: [UInt8]) {
        #expect(throws: ELFError.self) { try ELFSymbolTable(source: ELFMemorySource(bytes)) }
    }
}

@Suite("ELF parser fuzz")
struct ELFFuzzTests {
    /// SplitMix64, so a failing iteration reproduces from its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    /// 1,000 iterations on libacl.so.1 (about 40 KB, with exported functions in .dynsym; in
    /// every Debian base system because coreutils needs it): each flips 1-16 bytes, half
    /// of them in the ELF header, program headers or section headers where offsets and
    /// counts live, and every tenth also truncates the file. Parsing may fail; it must not
    /// crash, hang or allocate without bound.
    @Test("1,000 random corruptions of libacl.so.1 never crash the parser")
    func randomCorruption() throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: "/lib/x86_64-linux-gnu/libacl.so.1")))
        let pristine = try ELFSymbolTable(source: ELFMemorySource(original))
        #expect(pristine.symbols.contains { $0.name == "acl_get_file" })
        let sectionHeaders = Int(
            UInt64(original[40]) | UInt64(original[41]) << 8 | UInt64(original[42]) << 16 | UInt64(original[43]) << 24)
        var random = SplitMix(state: 42)
        var rejected = 0
        for iteration in 0..<Fuzzing.caseCount(default: 1_000) {
            var bytes = original
            for _ in 0..<Int.random(in: 1...16, using: &random) {
                let index: Int
                switch Int.random(in: 0..<4, using: &random) {
                case 0: index = Int.random(in: 0..<64, using: &random)
                case 1: index = min(bytes.count - 1, 64 + Int.random(in: 0..<(56 * 13), using: &random))
                case 2: index = min(bytes.count - 1, sectionHeaders + Int.random(in: 0..<(64 * 30), using: &random))
                default: index = Int.random(in: 0..<bytes.count, using: &random)
                }
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            if iteration % 10 == 0 { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random)) }
            do {
                let table = try ELFSymbolTable(source: ELFMemorySource(bytes))
                _ = table.symbol(containing: UInt64.random(in: 0...0x10_0000, using: &random))
                _ = table.virtualAddress(forFileOffset: UInt64.random(in: 0...0x10_0000, using: &random))
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 0)
    }
}
