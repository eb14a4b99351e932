import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// `OutputFile` writes like the shell's `>`: only regular files are replaced by rename.
@Suite("OutputFile")
struct OutputFileTests {
    private static func status(_ path: String, following: Bool = false) -> stat? {
        var result = stat()
        return (following ? stat(path, &result) : lstat(path, &result)) == 0 ? result : nil
    }

    private static func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Nothing but the named entries: no temporary file is left beside the output.
    private static func entries(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    @Test func aRegularFileIsReplacedByRenameKeepingItsMode() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("profile.svg", bytes: Array("old".utf8))
        chmod(file, 0o640)
        let before = try #require(Self.status(file))
        // A reader that opened the old file keeps reading the old contents: the new ones
        // arrived under a new inode, never by truncating the file under the reader.
        let reader = open(file, O_RDONLY)
        defer { close(reader) }
        try OutputFile.write(Array("new contents".utf8), to: file)
        let after = try #require(Self.status(file))
        #expect(after.st_ino != before.st_ino)
        #expect(after.st_mode & 0o7777 == 0o640)
        #expect(Self.contents(file) == "new contents")
        var old = [UInt8](repeating: 0, count: 16)
        #expect(pread(reader, &old, old.count, 0) == 3)
        #expect(Self.entries(directory.path) == ["profile.svg"])
    }

    @Test func aNewFileGetsTheUmaskMode() throws {
        let directory = try TemporaryDirectory()
        let mask = umask(0o022)
        defer { umask(mask) }
        try OutputFile.write(Array("x".utf8), to: directory.path + "/new.folded")
        #expect((Self.status(directory.path + "/new.folded")?.st_mode ?? 0) == S_IFREG | 0o644)
        #expect(Self.entries(directory.path) == ["new.folded"])
    }

    @Test func aSymlinkIsFollowedAndKept() throws {
        let directory = try TemporaryDirectory()
        let target = try directory.write("target.svg", bytes: Array("old".utf8))
        let link = directory.path + "/link.svg"
        #expect(symlink(target, link) == 0)
        try OutputFile.write(Array("through the link".utf8), to: link)
        #expect(Self.status(link).map { $0.st_mode & S_IFMT } == S_IFLNK)
        #expect(Self.contents(target) == "through the link")
    }

    @Test func aDanglingSymlinkCreatesItsTarget() throws {
        let directory = try TemporaryDirectory()
        let link = directory.path + "/link.svg"
        #expect(symlink(directory.path + "/made.svg", link) == 0)
        try OutputFile.write(Array("made".utf8), to: link)
        #expect(Self.status(link).map { $0.st_mode & S_IFMT } == S_IFLNK)
        #expect(Self.contents(directory.path + "/made.svg") == "made")
    }

    @Test func aHardLinkedFileIsRewrittenSoEveryNameSeesIt() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("a", bytes: Array("old contents".utf8))
        #expect(link(file, directory.path + "/b") == 0)
        try OutputFile.write(Array("new".utf8), to: file)
        #expect(Self.contents(directory.path + "/b") == "new")
    }

    /// A private null device (mknod needs CAP_MKNOD), never the host's /dev/null.
    @Test(.enabled(if: geteuid() == 0, "needs root (CAP_MKNOD) to create a private character device"))
    func aCharacterDeviceStaysADevice() throws {
        let directory = try TemporaryDirectory()
        let device = directory.path + "/null"
        #expect(mknod(device, S_IFCHR | 0o666, nullDeviceNumber) == 0)
        try OutputFile.write(Array(repeating: UInt8(ascii: "x"), count: 100_000), to: device)
        let after = try #require(Self.status(device))
        #expect(after.st_mode & S_IFMT == S_IFCHR)
        #expect(after.st_rdev == nullDeviceNumber)
        #expect(Self.entries(directory.path) == ["null"])
    }

    @Test func aFIFOIsWrittenNotReplaced() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader is already there, so the writer's open does not block.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        try OutputFile.write(Array("through the pipe".utf8), to: fifo)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == "through the pipe")
        #expect(Self.status(fifo).map { $0.st_mode & S_IFMT } == S_IFIFO)
    }

    @Test func aDirectoryIsRefusedWithTheReason() throws {
        let directory = try TemporaryDirectory()
        #expect(mkdir(directory.path + "/out", 0o755) == 0)
        #expect { try OutputFile.write([1], to: directory.path + "/out") } throws: { error in
            (error as? OutputFile.WriteError)?.description == "cannot write \(directory.path)/out: Is a directory"
        }
        #expect(Self.entries(directory.path) == ["out"])
    }

    @Test func aMissingDirectoryIsAClearError() throws {
        let directory = try TemporaryDirectory()
        #expect { try OutputFile.write([1], to: directory.path + "/missing/out.svg") } throws: { error in
            (error as? OutputFile.WriteError)?.description
                == "cannot write \(directory.path)/missing/out.svg: No such file or directory"
        }
    }
}

/// makedev(1, 3), the null device (glibc's makedev is a macro Swift does not import):
/// minor's low 8 bits, then major's low 12 bits at bit 8.
private let nullDeviceNumber: dev_t = (1 << 8) | 3
