import Foundation
import Testing
import TestSupport
@testable import Profiling

/// Separate debug files and MiniDebugInfo, built with gcc and binutils into a throw-away
/// directory that stands in for a container's root filesystem.
@Suite("separate debug symbols", .serialized)
struct DebugSymbolTests {
    static let tools = ["/usr/bin/gcc", "/usr/bin/objcopy", "/usr/bin/strip", "/usr/bin/xz"]
    static let available = tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    static let reason: Comment = "needs gcc, objcopy, strip and xz (scripts/test-setup.sh installs them)"

    static func run(_ arguments: [String]) throws { try SpawnedChild.run(arguments) }

    /// A root directory with /app/prog, a program whose only named function of interest is
    /// `periscope_debug_marker`; returns the root path.
    static func makeRoot(_ name: String, linkFlags: [String] = []) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-debug-\(getpid())-\(name)")
            .path
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: "\(root)/app", withIntermediateDirectories: true)
        try
            "int periscope_debug_marker(int x) { return x * 3; }\nint main(int c, char **v) { return periscope_debug_marker(c); }\n"
            .write(toFile: "\(root)/prog.c", atomically: true, encoding: .utf8)
        try run(["/usr/bin/gcc", "-O1", "-g", "-o", "\(root)/app/prog", "\(root)/prog.c"] + linkFlags)
        return root
    }

    static func names(root: String, path: String = "/app/prog") throws -> [String] {
        let filesystem = try #require(FilesystemRoot(path: root))
        let table = try #require(SymbolFileLoader(hostRootPath: nil).table(root: filesystem, path: path))
        return table.symbols.map(\.name)
    }

    @Test(
        "a stripped binary finds its symbols in /usr/lib/debug/.build-id/xx/rest.debug inside its root",
        .installed(if: available, reason))
    func buildID() throws {
        let root = try Self.makeRoot("buildid")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let info = try ELFSymbolTable(
            source: ELFMemorySource(Array(Data(contentsOf: URL(fileURLWithPath: "\(root)/app/prog"))))
        ).debugInfo
        let buildIDPath = try #require(info.buildIDPath)
        let debugPath = "\(root)/usr/lib/debug/\(buildIDPath)"
        try FileManager.default.createDirectory(
            atPath: (debugPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Self.run(["/usr/bin/objcopy", "--only-keep-debug", "\(root)/app/prog", debugPath])
        try Self.run(["/usr/bin/strip", "--strip-all", "\(root)/app/prog"])
        #expect(
            try ELFSymbolTable(
                source: ELFMemorySource(Array(Data(contentsOf: URL(fileURLWithPath: "\(root)/app/prog"))))
            ).debugInfo.hasSymbolTable == false)
        #expect(try Self.names(root: root).contains("periscope_debug_marker"))
        // Without the debug file the function is gone: the lookup, not the binary, named it.
        try FileManager.default.removeItem(atPath: debugPath)
        #expect(try !Self.names(root: root).contains("periscope_debug_marker"))
    }

    @Test("without a build-id, .gnu_debuglink finds DIR/.debug/NAME", .installed(if: available, reason))
    func debugLink() throws {
        let root = try Self.makeRoot("debuglink", linkFlags: ["-Wl,--build-id=none"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/app/.debug", withIntermediateDirectories: true)
        try Self.run(["/usr/bin/objcopy", "--only-keep-debug", "\(root)/app/prog", "\(root)/prog.debug"])
        try Self.run(["/usr/bin/strip", "--strip-all", "\(root)/app/prog"])
        try Self.run(["/usr/bin/objcopy", "--add-gnu-debuglink=\(root)/prog.debug", "\(root)/app/prog"])
        try FileManager.default.moveItem(atPath: "\(root)/prog.debug", toPath: "\(root)/app/.debug/prog.debug")
        let info = try ELFSymbolTable(
            source: ELFMemorySource(Array(Data(contentsOf: URL(fileURLWithPath: "\(root)/app/prog"))))
        ).debugInfo
        #expect(info.buildID == nil)
        #expect(info.debugLink == "prog.debug")
        #expect(
            SymbolFileLoader.debugCandidates(for: info, path: "/app/prog").map(\.path) == [
                "/app/prog.debug", "/app/.debug/prog.debug", "/usr/lib/debug/app/prog.debug"
            ])
        #expect(try Self.names(root: root).contains("periscope_debug_marker"))
    }

    @Test(
        "MiniDebugInfo: an xz-packed ELF in .gnu_debugdata gives the symbols of a stripped binary",
        .installed(if: available, reason))
    func miniDebugInfo() throws {
        let root = try Self.makeRoot("minidebuginfo")
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Fedora's recipe keeps only function symbols; a full copy holds them too.
        try Self.run(["/usr/bin/objcopy", "--only-keep-debug", "--strip-debug", "\(root)/app/prog", "\(root)/mini"])
        try Self.run(["/usr/bin/xz", "-z", "-k", "\(root)/mini"])
        try Self.run(["/usr/bin/strip", "--strip-all", "\(root)/app/prog"])
        try Self.run(["/usr/bin/objcopy", "--add-section", ".gnu_debugdata=\(root)/mini.xz", "\(root)/app/prog"])
        let info = try ELFSymbolTable(
            source: ELFMemorySource(Array(Data(contentsOf: URL(fileURLWithPath: "\(root)/app/prog"))))
        ).debugInfo
        #expect(info.miniDebugInfo != nil)
        #expect(try Self.names(root: root).contains("periscope_debug_marker"))
    }

    @Test("xz decoding refuses corrupt and empty input")
    func xzBounds() throws {
        #expect(SymbolFileLoader.xzDecode(Array("not xz".utf8), maximumBytes: 1 << 20) == nil)
        #expect(SymbolFileLoader.xzDecode([], maximumBytes: 1 << 20) == nil)
    }

    @Test("a debug link cannot name a path (no slashes), and notes with absurd sizes give no build-id")
    func hostileDebugInfo() {
        #expect(ELFDebugInfo.buildID(inNotes: [4, 0, 0, 0, 0xFF, 0xFF, 0, 0, 3, 0, 0, 0] + Array("GNU\0".utf8)) == nil)
        var note: [UInt8] = [4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0] + Array("GNU\0".utf8) + [0xDE, 0xAD, 0xBE, 0xEF]
        #expect(ELFDebugInfo.buildID(inNotes: note) == [0xDE, 0xAD, 0xBE, 0xEF])
        note.removeLast()
        #expect(ELFDebugInfo.buildID(inNotes: note) == nil)
    }
}
