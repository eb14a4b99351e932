import CLinuxSupport
import Foundation
import Testing
import TestSupport
@testable import Profiling

/// A binary inside a container chooses the name its `.gnu_debuglink` points at, and so a file
/// Periscope would open on the host: a debug file is used only when its CRC-32 (and the
/// build-id, when the binary has one) proves it belongs to the binary (issue 12).
@Suite("debug link verification", .serialized)
struct DebugLinkVerificationTests {
    static let available = DebugSymbolTests.available
    static let reason = DebugSymbolTests.reason

    /// Compiles a program whose marker function is `marker` into `directory/name`.
    static func compile(_ directory: String, _ name: String, marker: String, flags: [String] = []) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let source = "\(directory)/\(name).c"
        try "int \(marker)(int x) { return x * 3; }\nint main(int c, char **v) { return \(marker)(c); }\n"
            .write(toFile: source, atomically: true, encoding: .utf8)
        try DebugSymbolTests.run(["/usr/bin/gcc", "-O1", "-g", "-o", "\(directory)/\(name)", source] + flags)
        unlink(source)
        return "\(directory)/\(name)"
    }

    /// A scratch directory holding `container/` (the binary's root) and `host/` (the host's).
    final class Scratch {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-debuglink-\(UUID().uuidString)"
        ).path
        var container: String { path + "/container" }
        var host: String { path + "/host" }
        init() throws {
            try FileManager.default.createDirectory(
                atPath: container + "/app/.debug", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: host + "/app", withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Strips `binary` after saving its debug file as `debugFile`, and links it by name.
    static func splitDebug(_ binary: String, into debugFile: String) throws {
        try DebugSymbolTests.run(["/usr/bin/objcopy", "--only-keep-debug", binary, debugFile])
        try DebugSymbolTests.run(["/usr/bin/strip", "--strip-all", binary])
        try DebugSymbolTests.run(["/usr/bin/objcopy", "--add-gnu-debuglink=\(debugFile)", binary])
    }

    static func names(_ scratch: Scratch, hostRoot: Bool = true) throws -> [String] {
        let filesystem = try #require(FilesystemRoot(path: scratch.container))
        let loader = SymbolFileLoader(hostRootPath: hostRoot ? scratch.host : nil)
        return try #require(loader.table(root: filesystem, path: "/app/prog")).symbols.map(\.name)
    }

    static func debugInfo(_ path: String) throws -> ELFDebugInfo {
        try ELFSymbolTable(source: ELFMemorySource(Array(Data(contentsOf: URL(fileURLWithPath: path))))).debugInfo
    }

    @Test func crc32IsZlibsCRC() {
        let check = Array("123456789".utf8)
        #expect(check.withUnsafeBufferPointer { periscope_crc32(0, $0.baseAddress, $0.count) } == 0xCBF4_3926)
    }

    @Test("the link's CRC is read and matches the debug file's", .installed(if: available, reason))
    func linkRecordsTheCRC() throws {
        let scratch = try Scratch()
        let binary = try Self.compile(
            scratch.container + "/app", "prog", marker: "periscope_container_marker", flags: ["-Wl,--build-id=none"])
        try Self.splitDebug(binary, into: scratch.path + "/prog.debug")
        let info = try Self.debugInfo(binary)
        #expect(info.debugLink == "prog.debug")
        let filesystem = try #require(FilesystemRoot(path: scratch.path))
        let crc = ELFFileSource.withFile(in: filesystem, path: "/prog.debug") { _, source in
            SymbolFileLoader.crc32(of: source)
        }
        #expect(info.debugLinkCRC != nil)
        #expect(crc == info.debugLinkCRC)
    }

    /// The old fallback: no debug file in the container, a host file of the linked name from
    /// another program: its symbols were attached to the container's binary.
    @Test("a host file named by the link but with another CRC is never used", .installed(if: available, reason))
    func hostFileWithAnotherCRCIsRefused() throws {
        let scratch = try Scratch()
        let binary = try Self.compile(
            scratch.container + "/app", "prog", marker: "periscope_container_marker", flags: ["-Wl,--build-id=none"])
        try Self.splitDebug(binary, into: scratch.path + "/prog.debug")
        // The host holds a valid debug file under the linked name, from another program.
        let other = try Self.compile(
            scratch.path + "/other", "prog", marker: "periscope_host_marker", flags: ["-Wl,--build-id=none"])
        try DebugSymbolTests.run(["/usr/bin/objcopy", "--only-keep-debug", other, scratch.host + "/app/prog.debug"])
        let names = try Self.names(scratch)
        #expect(!names.contains("periscope_host_marker"))
        #expect(!names.contains("periscope_container_marker"))
    }

    @Test("the right debug file on the host (same CRC) is used", .installed(if: available, reason))
    func hostFileWithTheRightCRCIsUsed() throws {
        let scratch = try Scratch()
        let binary = try Self.compile(
            scratch.container + "/app", "prog", marker: "periscope_container_marker", flags: ["-Wl,--build-id=none"])
        try Self.splitDebug(binary, into: scratch.host + "/app/prog.debug")
        #expect(try Self.names(scratch).contains("periscope_container_marker"))
        #expect(try !Self.names(scratch, hostRoot: false).contains("periscope_container_marker"))
    }

    @Test("the container's own debug file wins over a host file of the same name", .installed(if: available, reason))
    func containersOwnFileIsPreferred() throws {
        let scratch = try Scratch()
        let binary = try Self.compile(
            scratch.container + "/app", "prog", marker: "periscope_container_marker", flags: ["-Wl,--build-id=none"])
        try Self.splitDebug(binary, into: scratch.container + "/app/.debug/prog.debug")
        let other = try Self.compile(
            scratch.path + "/other", "prog", marker: "periscope_host_marker", flags: ["-Wl,--build-id=none"])
        try DebugSymbolTests.run(["/usr/bin/objcopy", "--only-keep-debug", other, scratch.host + "/app/prog.debug"])
        let names = try Self.names(scratch)
        #expect(names.contains("periscope_container_marker"))
        #expect(!names.contains("periscope_host_marker"))
    }

    /// A debug file whose contents changed after linking (same name, same build) fails its CRC.
    @Test("a debug file altered after linking fails its CRC", .installed(if: available, reason))
    func alteredDebugFileIsRefused() throws {
        let scratch = try Scratch()
        let binary = try Self.compile(
            scratch.container + "/app", "prog", marker: "periscope_container_marker", flags: ["-Wl,--build-id=none"])
        let debugFile = scratch.container + "/app/.debug/prog.debug"
        try Self.splitDebug(binary, into: debugFile)
        #expect(try Self.names(scratch).contains("periscope_container_marker"))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: debugFile))
        try handle.seekToEnd()
        try handle.write(contentsOf: [0])
        try handle.close()
        #expect(try !Self.names(scratch).contains("periscope_container_marker"))
    }

    /// With a build-id, a linked file of another build is refused even when its CRC is the
    /// one recorded (the link was made against the wrong file).
    @Test("a linked file whose build-id differs from the binary's is refused", .installed(if: available, reason))
    func buildIDMustMatch() throws {
        let scratch = try Scratch()
        let binary = try Self.compile(scratch.container + "/app", "prog", marker: "periscope_container_marker")
        let other = try Self.compile(scratch.path + "/other", "prog", marker: "periscope_host_marker")
        let otherDebug = scratch.container + "/app/.debug/prog.debug"
        try DebugSymbolTests.run(["/usr/bin/objcopy", "--only-keep-debug", other, otherDebug])
        try DebugSymbolTests.run(["/usr/bin/strip", "--strip-all", binary])
        try DebugSymbolTests.run(["/usr/bin/objcopy", "--add-gnu-debuglink=\(otherDebug)", binary])
        let info = try Self.debugInfo(binary)
        #expect(info.buildID != nil)
        #expect(info.buildID != (try Self.debugInfo(otherDebug)).buildID)
        #expect(try !Self.names(scratch).contains("periscope_host_marker"))
    }
}
