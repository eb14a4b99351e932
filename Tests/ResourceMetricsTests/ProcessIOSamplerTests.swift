import Foundation
import LinuxHost
import ResourceMetrics
import Testing

/// The /proc/PID/io fallback for dead blkio accounting, on a small proc tree built here: a
/// reaped child's counts move into its parent's and must not be counted twice.
@Suite struct ProcessIOSamplerTests {
    private final class ProcTree {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-procio-\(UUID().uuidString)"
        ).path

        func set(pid: Int32, parent: Int32, start: UInt64 = 1000, read: UInt64 = 0, written: UInt64) throws {
            try FileManager.default.createDirectory(atPath: "\(root)/\(pid)", withIntermediateDirectories: true)
            let stat =
                "\(pid) (sh) S \(parent) \(pid) \(pid) 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 \(start) 3133440 360 18446744073709551615 1 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 1 1 1 1 1 1 1 0\n"
            try stat.write(toFile: "\(root)/\(pid)/stat", atomically: true, encoding: .utf8)
            try "rchar: 0\nwchar: 0\nread_bytes: \(read)\nwrite_bytes: \(written)\ncancelled_write_bytes: 0\n"
                .write(toFile: "\(root)/\(pid)/io", atomically: true, encoding: .utf8)
        }

        func remove(pid: Int32) throws { try FileManager.default.removeItem(atPath: "\(root)/\(pid)") }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test("bytes per process between samples; the first sample only primes")
    func rates() throws {
        let tree = ProcTree()
        try tree.set(pid: 10, parent: 1, read: 4096, written: 1_000_000)
        let sampler = ProcessIOSampler(procfs: Procfs(root: tree.root))
        #expect(sampler.rates(group: "c", pids: [10], unaccountedDevices: ["vda"]) == nil)
        try tree.set(pid: 10, parent: 1, read: 4096, written: 9_388_608)
        let rates = try #require(sampler.rates(group: "c", pids: [10], unaccountedDevices: ["vda"]))
        #expect(rates.writtenBytesPerSecond > 0 && rates.readBytesPerSecond == 0)
        #expect(rates.processes == 1 && rates.unaccountedDevices == ["vda"] && rates.source == "/proc/PID/io")
    }

    @Test("a child reaped by its parent in the group: only its new bytes count, not its whole life again")
    func reapedChild() throws {
        let tree = ProcTree()
        try tree.set(pid: 10, parent: 1, written: 100)
        try tree.set(pid: 11, parent: 10, written: 50)
        let sampler = ProcessIOSampler(procfs: Procfs(root: tree.root))
        _ = sampler.rates(group: "c", pids: [10, 11], unaccountedDevices: ["vda"])
        // The child wrote 30 more bytes, exited, and its 80 moved into the parent; a new child wrote 7.
        // The parent read 1000 bytes itself: the yardstick, as both rates share the interval.
        try tree.remove(pid: 11)
        try tree.set(pid: 10, parent: 1, read: 1000, written: 180)
        try tree.set(pid: 12, parent: 10, written: 7)
        let rates = try #require(sampler.rates(group: "c", pids: [10, 12], unaccountedDevices: ["vda"]))
        #expect(abs(rates.writtenBytesPerSecond / rates.readBytesPerSecond * 1000 - 37) < 1e-6)
        #expect(rates.processes == 2)
    }
}
