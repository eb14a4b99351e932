import Foundation
import Testing
@testable import LinuxHost
#if canImport(Glibc)
import Glibc
#endif

/// A private temporary directory, removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("periscope-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = "\(path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}

@Suite("KernelFileReader")
struct KernelFileReaderTests {
    /// A pattern that would show a misplaced or dropped chunk.
    static func pattern(count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) } }

    @Test(arguments: [0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 40_000, 200_000])
    func readsWholeFilesGrowingPast16KiB(size: Int) throws {
        let directory = try TemporaryDirectory()
        let expected = Self.pattern(count: size)
        let file = try directory.write("file", bytes: expected)
        let reader = KernelFileReader()
        let read = try reader.withContents(of: file) { bytes in Array(bytes) }
        #expect(read.count == size)
        #expect(read == expected)
    }

    @Test func reusesTheBufferAcrossFilesOfDifferentSizes() throws {
        let directory = try TemporaryDirectory()
        let big = try directory.write("big", bytes: Self.pattern(count: 50_000))
        let small = try directory.write("small", bytes: Array("0::/init.scope\n".utf8))
        let reader = KernelFileReader(initialCapacity: 64)
        #expect(try reader.withContents(of: big) { $0.count } == 50_000)
        #expect(try reader.string(of: small) == "0::/init.scope\n")
        #expect(try reader.withContents(of: big) { Array($0) } == Self.pattern(count: 50_000))
    }

    @Test func refusesFilesLargerThanTheMaximum() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("huge", bytes: Self.pattern(count: 10_000))
        let reader = KernelFileReader(initialCapacity: 1024, maximumFileBytes: 4096)
        #expect(reader.maximumFileBytes == 4096)
        do {
            _ = try reader.withContents(of: file) { $0.count }
            Issue.record("read a file larger than the maximum")
        } catch {
            #expect(error.path == file)
            #expect(error.malformedReason == "larger than 4096 bytes")
        }
        // The reader stays usable afterwards.
        let small = try directory.write("small", bytes: Self.pattern(count: 3000))
        #expect(try reader.withContents(of: small) { Array($0) } == Self.pattern(count: 3000))
    }

    @Test func missingFileIsVanished() {
        let reader = KernelFileReader()
        do {
            _ = try reader.string(of: "/proc/does-not-exist/stat")
            Issue.record("read a missing file")
        } catch {
            #expect(error.isVanished)
            #expect(!error.isPermissionDenied)
            #expect(error.errnoCode == ENOENT)
            #expect(error.description == "/proc/does-not-exist/stat: No such file or directory")
        }
    }

    @Test func permissionErrorsSayHowToFixThem() {
        let error = HostReadError(path: "/proc/1/ns/pid", errno: EACCES)
        #expect(error.isPermissionDenied)
        #expect(!error.isVanished)
        #expect(error.description.contains("run as root"))
        #expect(HostReadError(path: "/proc/1/stat", errno: ESRCH).isVanished)
        #expect(HostReadError(path: "/x", malformed: "bad").description == "/x: malformed: bad")
    }

    /// pread from offset 0: the way a sampler re-reads an open counter file.
    @Test func rereadsAnOpenDescriptorFromTheStart() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("counter", bytes: Self.pattern(count: 20_000))
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let reader = KernelFileReader(initialCapacity: 128)
        let first = try reader.withContents(ofOpenDescriptor: fd, path: file) { Array($0) }
        let second = try reader.withContents(ofOpenDescriptor: fd, path: file) { Array($0) }
        #expect(first == Self.pattern(count: 20_000))
        #expect(second == first)
    }

    @Test func readsSymlinkTargetsWithoutFollowingThem() throws {
        let directory = try TemporaryDirectory()
        let link = "\(directory.path)/pid"
        try #require(symlink("pid:[4026532290]", link) == 0)
        let reader = KernelFileReader()
        let target = try reader.withLinkTarget(of: link) { String(decoding: $0, as: UTF8.self) }
        #expect(target == "pid:[4026532290]")
        #expect(throws: HostReadError.self) {
            try reader.withLinkTarget(of: "\(directory.path)/missing") { $0.count }
        }
    }
}

@Suite("KernelFileReader.bytes(of:)")
struct KernelFileReaderOneShotTests {
    @Test func readsAWholeFileAndRefusesALargerOne() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("file", bytes: KernelFileReaderTests.pattern(count: 40_000))
        #expect(try KernelFileReader.bytes(of: file) == KernelFileReaderTests.pattern(count: 40_000))
        do {
            _ = try KernelFileReader.bytes(of: file, maximumBytes: 4096)
            Issue.record("read a file larger than the maximum")
        } catch {
            #expect(error.malformedReason == "larger than 4096 bytes")
        }
        #expect(throws: HostReadError.self) { try KernelFileReader.bytes(of: "\(directory.path)/missing") }
    }
}
