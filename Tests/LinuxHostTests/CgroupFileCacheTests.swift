import Foundation
import Testing
@testable import LinuxHost

@Suite("CgroupFileCache")
struct CgroupFileCacheTests {
    @Test func rereadsTheSameDescriptorAndSeesNewContents() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("pids.current", bytes: Array("1\n".utf8))
        let cache = CgroupFileCache()
        #expect(try cache.withContents(of: file) { bytes throws(HostReadError) in try SingleValueFile.parse(bytes, path: file) } == 1)
        // Rewritten in place (same inode), as the kernel regenerates a counter file.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.write(contentsOf: Array("12345\n".utf8))
        try handle.close()
        #expect(try cache.withContents(of: file) { bytes throws(HostReadError) in try SingleValueFile.parse(bytes, path: file) } == 12345)
        #expect(cache.openDescriptorCount == 1)
    }

    @Test func rememberAbsentFilesButThrowWhenTheDirectoryIsGone() throws {
        let directory = try TemporaryDirectory()
        let cache = CgroupFileCache()
        #expect(try cache.withContentsIfPresent(of: directory.path + "/memory.memsw.usage_in_bytes") { $0.count } == nil)
        #expect(cache.openDescriptorCount == 0)
        #expect { try cache.withContentsIfPresent(of: directory.path + "/gone/cpu.stat") { $0.count } } throws: { error in
            (error as? HostReadError)?.isCgroupRemoved == true
        }
    }

    @Test func forgetClosesOnlyThatDirectory() throws {
        let first = try TemporaryDirectory(), second = try TemporaryDirectory()
        let a = try first.write("cpu.stat", bytes: Array("nr_periods 1\n".utf8))
        let b = try second.write("cpu.stat", bytes: Array("nr_periods 2\n".utf8))
        let cache = CgroupFileCache()
        _ = try cache.withContents(of: a) { $0.count }
        _ = try cache.withContents(of: b) { $0.count }
        #expect(cache.openDescriptorCount == 2)
        cache.forget(directory: first.path)
        #expect(cache.openDescriptorCount == 1)
        cache.removeAll()
        #expect(cache.openDescriptorCount == 0)
    }

    @Test func closesEveryDescriptorOnDeinit() throws {
        let directory = try TemporaryDirectory()
        let paths = try (0..<5).map { try directory.write("f\($0)", bytes: Array("1\n".utf8)) }
        // Count descriptors pointing into this directory: other tests open files in parallel.
        func openHere() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"))?.hasPrefix(directory.path) == true
            }.count
        }
        do {
            let cache = CgroupFileCache()
            for path in paths { _ = try cache.withContents(of: path) { $0.count } }
            #expect(try openHere() == 5)
        }
        #expect(try openHere() == 0)
    }
}
