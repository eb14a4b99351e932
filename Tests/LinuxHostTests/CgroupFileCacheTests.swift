import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import LinuxHost

@Suite("CgroupFileCache")
struct CgroupFileCacheTests {
    @Test func rereadsTheSameDescriptorAndSeesNewContents() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("pids.current", bytes: Array("1\n".utf8))
        let cache = CgroupFileCache()
        #expect(
            try cache.withContents(of: file) { bytes throws(HostReadError) in
                try SingleValueFile.parse(bytes, path: file)
            } == 1)
        // Rewritten in place (same inode), as the kernel regenerates a counter file.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.write(contentsOf: Array("12345\n".utf8))
        try handle.close()
        #expect(
            try cache.withContents(of: file) { bytes throws(HostReadError) in
                try SingleValueFile.parse(bytes, path: file)
            } == 12345)
        #expect(cache.openDescriptorCount == 1)
    }

    @Test func rememberAbsentFilesButThrowWhenTheDirectoryIsGone() throws {
        let directory = try TemporaryDirectory()
        let cache = CgroupFileCache()
        #expect(
            try cache.withContentsIfPresent(of: directory.path + "/memory.memsw.usage_in_bytes") { $0.count } == nil)
        #expect(cache.openDescriptorCount == 0)
        #expect { try cache.withContentsIfPresent(of: directory.path + "/gone/cpu.stat") { $0.count } } throws: {
            error in
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
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"))?.hasPrefix(
                    directory.path) == true
            }.count
        }
        do {
            let cache = CgroupFileCache()
            for path in paths { _ = try cache.withContents(of: path) { $0.count } }
            #expect(try openHere() == 5)
        }
        #expect(try openHere() == 0)
    }

    /// At its capacity the cache closes the least recently read descriptor first: an
    /// unlinked file stays readable through a kept descriptor, and fails once reopened.
    @Test func staysWithinItsCapacityClosingTheLeastRecentlyRead() throws {
        let directory = try TemporaryDirectory()
        let paths = try (0..<5).map { try directory.write("f\($0)", bytes: Array("\($0)\n".utf8)) }
        let cache = CgroupFileCache(capacity: 4)
        func read(_ index: Int) throws -> UInt64 {
            let path = paths[index]
            return try cache.withContents(of: path) { bytes throws(HostReadError) in
                try SingleValueFile.parse(bytes, path: path)
            }
        }
        for index in 0..<4 { _ = try read(index) }
        _ = try read(0)  // f1 is now the least recently read
        _ = try read(4)
        #expect(cache.openDescriptorCount == 4)
        for path in paths { unlink(path) }
        #expect(try read(0) == 0)
        #expect(try read(2) == 2)
        #expect(try read(4) == 4)
        #expect(throws: HostReadError.self) { try read(1) }
    }

    /// Many more files than the capacity, read round after round: never more open.
    @Test func manyFilesNeverExceedTheCapacity() throws {
        let directory = try TemporaryDirectory()
        let paths = try (0..<200).map { try directory.write("f\($0)", bytes: Array("\($0)\n".utf8)) }
        let cache = CgroupFileCache(capacity: 32)
        for _ in 0..<3 {
            for (index, path) in paths.enumerated() {
                let value = try cache.withContents(of: path) { bytes throws(HostReadError) in
                    try SingleValueFile.parse(bytes, path: path)
                }
                #expect(value == UInt64(index))
                #expect(cache.openDescriptorCount <= 32)
            }
        }
    }

    /// All caches together stay under half the open-file limit.
    @Test func theProcessWideBudgetIsHalfTheOpenFileLimit() {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #expect(CgroupFileCache.processWideBudget == max(16, Int(min(UInt64(limit.rlim_cur), 1 << 30) / 2)))
    }
}
