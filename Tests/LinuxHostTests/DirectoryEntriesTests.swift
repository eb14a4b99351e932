import Foundation
import Testing
@testable import LinuxHost

/// `DirectoryEntries`, which every directory listing of Periscope goes through.
@Suite("Directory entries")
struct DirectoryEntriesTests {
    @Test func listsNamesWithoutDotEntriesAndFiltersDirectories() throws {
        let root = NSTemporaryDirectory() + "periscope-directory-entries-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/.hidden", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/sub")
        #expect(DirectoryEntries.names(in: root)?.sorted() == [".hidden", "file", "link", "sub"])
        // By the entry's type: a link to a directory is not one.
        #expect(DirectoryEntries.names(in: root, .directories)?.sorted() == [".hidden", "sub"])
        #expect(DirectoryEntries.names(in: root + "/sub") == [])
    }

    @Test func aMissingDirectoryIsNilWithItsErrno() {
        let names = DirectoryEntries.names(in: "/nonexistent-periscope/directory")
        let code = errno
        #expect(names == nil)
        #expect(code == ENOENT)
    }

    @Test func listsProcfs() throws {
        let names = try #require(DirectoryEntries.names(in: "/proc/self", .directories))
        #expect(names.contains("fd") && names.contains("ns") && !names.contains("stat"))
    }
}
