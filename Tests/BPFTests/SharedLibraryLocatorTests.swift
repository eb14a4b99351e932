import Foundation
import LinuxHost
import Profiling
import Testing
@testable import BPF

/// `u:c:malloc`: a library's short name found in a root's library directories.
@Suite("shared library locator")
struct SharedLibraryLocatorTests {
    /// A root with `files` (paths inside it, each a small file) created; removed afterwards.
    static func withRoot(_ files: [String], _ body: (FilesystemRoot, String) throws -> Void) throws {
        let root = NSTemporaryDirectory() + "periscope-libroot-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for file in files {
            let path = root + file
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        }
        try body(try #require(FilesystemRoot(path: root)), root)
    }

    @Test func prefersTheSonameOverTheLinkerScriptAndTheFullVersion() throws {
        try Self.withRoot([
            "/usr/lib/x86_64-linux-gnu/libc.so", "/usr/lib/x86_64-linux-gnu/libc.so.6",
            "/usr/lib/x86_64-linux-gnu/libc.so.6.0.1", "/usr/lib/x86_64-linux-gnu/libcrypt.so.1"
        ]) { root, _ in
            #expect(
                SharedLibraryLocator.find("c", in: root, machine: "x86_64") == "/usr/lib/x86_64-linux-gnu/libc.so.6")
            #expect(
                SharedLibraryLocator.find("crypt", in: root, machine: "x86_64")
                    == "/usr/lib/x86_64-linux-gnu/libcrypt.so.1")
        }
    }

    /// Directory order: the multiarch directory before /lib; a bare `.so` only as a last resort.
    @Test func searchesTheDirectoriesInOrder() throws {
        try Self.withRoot(["/lib/libz.so.1", "/lib/aarch64-linux-gnu/libz.so.1", "/usr/local/lib/libapp.so"]) {
            root, _ in
            #expect(SharedLibraryLocator.find("z", in: root, machine: "aarch64") == "/lib/aarch64-linux-gnu/libz.so.1")
            #expect(SharedLibraryLocator.find("z", in: root, machine: "x86_64") == "/lib/libz.so.1")
            #expect(SharedLibraryLocator.find("app", in: root, machine: "x86_64") == "/usr/local/lib/libapp.so")
            #expect(SharedLibraryLocator.find("zz", in: root, machine: "x86_64") == nil)
        }
    }

    /// `libc.musl-x86_64.so.1` or `libcap.so.2` are other libraries, not versions of libc.
    @Test func onlyVersionSuffixesMatch() throws {
        try Self.withRoot(["/lib/libc.musl-x86_64.so.1", "/lib/libcap.so.2", "/lib/libc.so.backup"]) { root, _ in
            #expect(SharedLibraryLocator.find("c", in: root, machine: "x86_64") == nil)
        }
    }

    /// A link inside the root cannot send the search to the host's files.
    @Test func aLinkInsideTheRootStaysInside() throws {
        try Self.withRoot(["/usr/placeholder"]) { root, path in
            try FileManager.default.createSymbolicLink(
                atPath: path + "/usr/lib64", withDestinationPath: "/usr/lib/\(HostSystem.machine)-linux-gnu")
            #expect(SharedLibraryLocator.find("c", in: root, machine: "none") == nil)
        }
    }

    /// bcc's `c:malloc`: no tracepoint subsystem is called `c`, so it is libc's malloc.
    @Test(
        .enabled(
            if: SharedLibraryLocator.find("c", in: FilesystemRoot(path: "/")!) != nil,
            "needs the host's libc in a usual library directory"))
    func aPatternNamingNoSubsystemIsALibrary() throws {
        try Self.withRoot(["/events/sched/sched_switch/id"]) { _, tracefs in
            let pattern = try FunctionCountPattern(parsing: "c:malloc")
            let resolved = try FunctionCountTargets.resolve(
                pattern, rootProcess: nil, place: "the host", maximumProbes: 10, tracefs: tracefs)
            #expect(resolved.targets.map(\.name) == ["malloc"])
            #expect(resolved.binary?.path.contains("/libc.so.") == true)
            // A subsystem that exists keeps the tracepoint meaning, and says it matched nothing.
            #expect(throws: FunctionCountError.self) {
                try FunctionCountTargets.resolve(
                    try FunctionCountPattern(parsing: "sched:malloc"), rootProcess: nil, place: "the host",
                    maximumProbes: 10, tracefs: tracefs)
            }
        }
    }
}
