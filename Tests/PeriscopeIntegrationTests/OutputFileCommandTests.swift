import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Commands that write a file (-o, --save-window) treat the path as the shell's `>` does.
@Suite("output files of commands")
struct OutputFileCommandTests {
    private final class Directory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-out-\(UUID().uuidString)")
            .path
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    private static func kind(_ path: String) -> mode_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : nil
    }

    private static func folded(in directory: Directory) throws -> String {
        let path = directory.path + "/in.folded"
        try Data("main;work 3\nmain;idle 1\n".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `-o /dev/null` once turned /dev/null into a regular file: a private null device here.
    @Test(.live(if: geteuid() == 0, "needs root (CAP_MKNOD) to create a private character device"))
    func flamegraphToADeviceLeavesTheDevice() throws {
        let directory = try Directory()
        let device = directory.path + "/null"
        #expect(mknod(device, S_IFCHR | 0o666, nullDeviceNumber) == 0)
        let result = try Shell.periscope(["flamegraph", try Self.folded(in: directory), "-o", device])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(Self.kind(device) == S_IFCHR)
    }

    @Test func flamegraphThroughASymlinkWritesItsTarget() throws {
        let directory = try Directory()
        let target = directory.path + "/graph.svg", link = directory.path + "/latest.svg"
        #expect(symlink(target, link) == 0)
        let result = try Shell.periscope(["flamegraph", try Self.folded(in: directory), "-o", link])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(Self.kind(link) == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("<svg"))
    }

    @Test func flamegraphReplacesARegularFile() throws {
        let directory = try Directory()
        let file = directory.path + "/graph.svg"
        try Data("old".utf8).write(to: URL(fileURLWithPath: file))
        let result = try Shell.periscope(["flamegraph", try Self.folded(in: directory), "-o", file])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("<svg"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["graph.svg", "in.folded"])
    }

    @Test func flamegraphIntoADirectoryIsAClearError() throws {
        let directory = try Directory()
        let result = try Shell.periscope(["flamegraph", try Self.folded(in: directory), "-o", directory.path])
        #expect(result.status != 0)
        #expect(result.standardError.contains("cannot write \(directory.path): Is a directory"))
    }

    /// profile -o and --svg: the folded output to a private null device, the SVG through a symlink.
    @Test(.live(if: geteuid() == 0, "needs root (CAP_MKNOD for the device, perf_event_open for the profile)"))
    func profileToADeviceAndThroughASymlink() throws {
        let directory = try Directory()
        let device = directory.path + "/null", target = directory.path + "/profile.svg",
            link = directory.path + "/latest.svg"
        #expect(mknod(device, S_IFCHR | 0o666, nullDeviceNumber) == 0)
        #expect(symlink(target, link) == 0)
        let result = try Shell.periscope(["profile", "--pid", "\(getpid())", "-d", "0.3", "-o", device, "--svg", link])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(Self.kind(device) == S_IFCHR)
        #expect(Self.kind(link) == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("<svg"))
    }

    /// A user's own file in a directory the user cannot write: no temporary file can go beside
    /// it, so it is rewritten in place, as `>` would.
    @Test(
        .live(if: DropToNobody.isPossible, DropToNobody.reason))
    func aWritableFileInAReadOnlyDirectoryIsWrittenInPlace() throws {
        let directory = try Directory()
        chmod(directory.path, 0o755)
        let input = try Self.folded(in: directory)
        let file = directory.path + "/graph.svg"
        try Data("old".utf8).write(to: URL(fileURLWithPath: file))
        #expect(chown(file, 65534, 65534) == 0)
        let result = try Shell.run(
            DropToNobody.command([TestEnvironment.periscopeBinary, "flamegraph", input, "-o", file]))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("<svg"))
    }

    /// diagnose --save-window goes through the same writer.
    @Test(.live(if: geteuid() == 0, "needs root (CAP_MKNOD) to create a private character device"))
    func diagnoseSaveWindowToADeviceLeavesTheDevice() throws {
        let directory = try Directory()
        let device = directory.path + "/null"
        #expect(mknod(device, S_IFCHR | 0o666, nullDeviceNumber) == 0)
        let result = try Shell.periscope(["diagnose", "--duration", "1s", "--json", "--save-window", device])
        #expect(result.status != 2, "\(result.standardError)")
        #expect(Self.kind(device) == S_IFCHR)
    }
}

/// makedev(1, 3), the null device (glibc's makedev is a macro Swift does not import).
private let nullDeviceNumber: dev_t = (1 << 8) | 3
