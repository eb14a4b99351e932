import Testing
@testable import Profiling

@Suite("perf maps")
struct PerfMapTests {
    @Test("START SIZE name lines, with or without 0x and CRLF; malformed lines are skipped")
    func parses() {
        let text = """
            7f0000001000 40 LambdaForm$MH/0x0000000800c1 invoke
            0x7f0000002000 0x10 Interpreter\r
            not a line
            7f0000003000 0 zero-sized
            7f0000004000 20
            7f0000001000 40 recompiled
            """
        let map = PerfMap(parsing: Array(text.utf8))
        #expect(map.entries.map(\.name) == ["recompiled", "Interpreter"])
        #expect(map.malformedLineCount == 3)
        #expect(map.entry(containing: 0x7f00_0000_1000)?.name == "recompiled")
        #expect(map.entry(containing: 0x7f00_0000_103f)?.name == "recompiled")
        #expect(map.entry(containing: 0x7f00_0000_1040) == nil)
        #expect(map.entry(containing: 0x7f00_0000_200f)?.name == "Interpreter")
        #expect(map.entry(containing: 0x10) == nil)
    }

    @Test("NSpid picks the PID in the innermost namespace")
    func namespacePID() {
        #expect(Symbolizer.innermostNamespacePID("Name:\tx\nNSpid:\t4242\t7\t1\nPPid:\t1\n") == 1)
        #expect(Symbolizer.innermostNamespacePID("NSpid:\t99\n") == 99)
        #expect(Symbolizer.innermostNamespacePID("Name:\tx\n") == nil)
        // Split by bytes in ASCII, by Characters otherwise: the same answers.
        #expect(Symbolizer.innermostNamespacePID("Name:\t\u{E9}\nNSpid:\t5 6\n") == 6)
        #expect(Symbolizer.innermostNamespacePID("NSpidx:\t4\n\nNSpid: 12  \t\n") == 12)
        // "\r\n" is one Character: no line break there.
        #expect(Symbolizer.innermostNamespacePID("NSpid:\t7\r\nPPid:\t1\n") == 1)
        #expect(Symbolizer.innermostNamespacePID("NSpid:\n") == nil)
    }

    @Test("5,000 random perf maps and maps files parse without crashing; every entry is non-empty")
    func fuzz() {
        var random = ELFFuzzTests.SplitMix(state: 11)
        let seed = Array("7f0000001000 40 jit_one\n0x7f0000002000 0x10 two\r\n7f0000003000 8 three\n".utf8)
        let mapsSeed = Array(
            "55d0c6e00000-55d0c6e21000 r-xp 00002000 08:01 1234 /usr/bin/dash\n7f00c0000000-7f00c0001000 rwxp 00000000 00:00 0 \n"
                .utf8)
        for iteration in 0..<5_000 {
            var bytes = iteration % 2 == 0 ? seed : mapsSeed
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] = [
                    UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "x"), UInt8(ascii: "f"), 0, 0xFF,
                    UInt8(ascii: "-")
                ]
                .randomElement(using: &random)!
            }
            if iteration % 7 == 0 { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random)) }
            let map = PerfMap(parsing: bytes)
            #expect(map.entries.allSatisfy { $0.size > 0 && !$0.name.isEmpty })
            _ = map.entry(containing: UInt64.random(in: 0...UInt64.max, using: &random))
            let maps = ProcessMappings(parsing: String(decoding: bytes, as: UTF8.self))
            #expect(maps.mappings.allSatisfy { $0.start < $0.end })
        }
    }
}
