import Foundation
import Testing

@testable import Profiling

/// /proc/PID/maps parsed field by field from the bytes: executable lines only, paths with
/// spaces kept whole, truncated or malformed lines skipped.
@Suite("ProcessMappings")
struct ProcessMappingsTests {
    static let text = """
        55d0c0a00000-55d0c0a28000 r--p 00000000 08:01 1311   /usr/bin/swift-frontend
        55d0c0a28000-55d0c4f00000 r-xp 00028000 08:01 1311   /usr/bin/swift-frontend
        7f3a10000000-7f3a10021000 rw-p 00000000 00:00 0
        7f3a12000000-7f3a12100000 r-xp 00000000 00:00 0 
        7f3a14000000-7f3a14200000 r-xp 00001000 00:2f 99                         /tmp/a dir/lib x.so (deleted)
        7ffd1a3f0000-7ffd1a3f2000 r-xp 00000000 00:00 0                          [vdso]
        7f3a16000000-7f3a15000000 r-xp 00000000 00:00 0  /backwards
        zzzz-7f3a17000000 r-xp 00000000 00:00 0  /bad-start
        7f3a18000000-7f3a18100000 r-xp 0000
        """

    @Test("executable mappings, sorted, paths whole")
    func parsesExecutableMappings() {
        let maps = ProcessMappings(parsing: Self.text)
        #expect(
            maps.mappings == [
                .init(
                    start: 0x55d0_c0a2_8000, end: 0x55d0_c4f0_0000, fileOffset: 0x28000, inode: 1311,
                    path: "/usr/bin/swift-frontend"),
                .init(start: 0x7f3a_1200_0000, end: 0x7f3a_1210_0000, fileOffset: 0, inode: 0, path: ""),
                .init(
                    start: 0x7f3a_1400_0000, end: 0x7f3a_1420_0000, fileOffset: 0x1000, inode: 99,
                    path: "/tmp/a dir/lib x.so (deleted)"),
                .init(start: 0x7ffd_1a3f_0000, end: 0x7ffd_1a3f_2000, fileOffset: 0, inode: 0, path: "[vdso]")
            ])
        #expect(maps.mapping(containing: 0x55d0_c0a3_0000)?.path == "/usr/bin/swift-frontend")
        #expect(maps.mapping(containing: 0x55d0_c0a0_0000) == nil)
    }

    @Test("this process's own maps hold its executable")
    func ownMaps() throws {
        let maps = ProcessMappings(parsing: try String(contentsOfFile: "/proc/self/maps", encoding: .utf8))
        #expect(!maps.mappings.isEmpty)
        #expect(zip(maps.mappings, maps.mappings.dropFirst()).allSatisfy { $0.start <= $1.start })
        #expect(maps.mappings.contains { $0.path.hasPrefix("/") && $0.inode > 0 })
    }

    /// The String-splitting parser this one replaced, kept as the reference.
    static func referenceParse(_ text: String) -> [ProcessMappings.Mapping] {
        var found: [ProcessMappings.Mapping] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[1].count >= 3, fields[1].dropFirst(2).first == "x" else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16),
                start < end,
                let offset = UInt64(fields[2], radix: 16), let inode = UInt64(fields[4])
            else { continue }
            let path = fields.count > 5 ? String(fields[5].drop { $0 == " " }) : ""
            found.append(.init(start: start, end: end, fileOffset: offset, inode: inode, path: path))
        }
        return found.sorted { $0.start < $1.start }
    }

    @Test("the same mappings as the String parser it replaced, on the fixture and every readable maps file here")
    func sameAsTheReplacedParser() throws {
        #expect(ProcessMappings(parsing: Self.text).mappings == Self.referenceParse(Self.text))
        var compared = 0
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") where Int32(entry) != nil {
            guard let text = try? String(contentsOfFile: "/proc/\(entry)/maps", encoding: .utf8), !text.isEmpty else {
                continue
            }
            #expect(ProcessMappings(parsing: text).mappings == Self.referenceParse(text), "pid \(entry)")
            compared += 1
        }
        #expect(compared > 0)
    }
}
