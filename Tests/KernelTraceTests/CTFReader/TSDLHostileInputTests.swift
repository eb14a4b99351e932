import Testing
@testable import KernelTrace

/// CTF metadata is a file anyone can write: numbers at the edges of 64 bits, alignments and
/// array lengths that would overflow the decoder's arithmetic are values or clear errors.
@Suite struct TSDLHostileInputTests {
    @Test("-2^63 lexes to Int64.min; 2^64-1 keeps its bit pattern")
    func edgeIntegers() throws {
        func integers(_ text: String) throws -> [Int64] {
            let lexer = try TSDLLexer(text)
            return lexer.tokens.filter { $0.kind == .integer }.map(lexer.integer(of:))
        }
        #expect(try integers("major = -9223372036854775808;") == [.min])
        #expect(try integers("mask = 0xFFFFFFFFFFFFFFFF;") == [-1])
        #expect(try integers("x = 9223372036854775807;") == [.max])
    }

    @Test(
        "numbers past 64 bits are a metadata error with the line",
        arguments: [
            "env {\n major = -9223372036854775809;\n};", "env {\n major = 18446744073709551616;\n};",
            "env {\n major = 0x1FFFFFFFFFFFFFFFF;\n};"
        ])
    func outOfRangeIntegers(_ text: String) {
        #expect(throws: CTFReaderError.metadataSyntax(line: 2, reason: "number out of 64-bit range")) {
            try TSDLLexer(text)
        }
    }

    @Test("the env block with major = -2^63 parses (it is only a number)")
    func environmentWithInt64Min() throws {
        let metadata = try TSDLParser.parse("/* CTF 1.8 */\nenv {\n major = -9223372036854775808;\n};\n")
        #expect(metadata.environment["major"] == "-9223372036854775808")
    }

    @Test(
        "alignments that are not small powers of two are refused",
        arguments: ["0", "3", "2147483648", "-9223372036854775808"])
    func badAlignments(_ alignment: String) {
        let text =
            "/* CTF 1.8 */\ntypealias integer { size = 32; align = \(alignment); signed = false; } := uint32_t;\n"
        #expect(throws: CTFReaderError.self) { try TSDLParser.parse(text) }
        let structure =
            "/* CTF 1.8 */\ntrace { packet.header := struct { integer { size = 8; } magic; } align(\(alignment)); };\n"
        #expect(throws: CTFReaderError.self) { try TSDLParser.parse(structure) }
    }

    @Test("array lengths past 2^24 or negative are refused", arguments: ["-1", "9223372036854775807", "16777217"])
    func badArrayLengths(_ length: String) {
        let text = "/* CTF 1.8 */\ntrace { packet.header := struct { integer { size = 8; } magic[\(length)]; }; };\n"
        #expect(throws: CTFReaderError.self) { try TSDLParser.parse(text) }
    }
}
