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

        /// Files are rewritten in place, as the kernel's change: a sampler may keep them open.
        func set(pid: Int32, parent: Int32, start: UInt64 = 1000, read: UInt64 = 0, written: UInt64) throws {
            try FileManager.default.createDirectory(atPath: "\(root)/\(pid)", withIntermediateDirectories: true)
            let stat =
                "\(pid) (sh) S \(parent) \(pid) \(pid) 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 \(start) 3133440 360 18446744073709551615 1 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 1 1 1 1 1 1 1 0\n"
            try stat.write(toFile: "\(root)/\(pid)/stat", atomically: false, encoding: .utf8)
            try "rchar: 0\nwchar: 0\nread_bytes: \(read)\nwrite_bytes: \(written)\ncancelled_write_bytes: 0\n"
                .write(toFile: "\(root)/\(pid)/io", atomically: false, encoding: .utf8)
        }

        func remove(pid: Int32) throws { try FileManager.default.removeItem(atPath: "\(root)/\(pid)") }

        /// As a process exits: its files kept open stop reading (here: emptied), then go away.
        func exit(pid: Int32) throws {
            try "".write(toFile: "\(root)/\(pid)/stat", atomically: false, encoding: .utf8)
            try remove(pid: pid)
        }

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

    @Test("kept files: read through the descriptors opened at the first sample, closed when the process leaves")
    func keptDescriptors() throws {
        let tree = ProcTree()
        try tree.set(pid: 10, parent: 1, written: 100)
        try tree.set(pid: 11, parent: 10, written: 50)
        let sampler = ProcessIOSampler(procfs: Procfs(root: tree.root), keptProcessLimit: 8)
        _ = sampler.rates(group: "c", pids: [10, 11], unaccountedDevices: ["vda"])
        #expect(sampler.keptProcesses == 2)
        // The directory moves away: only descriptors opened before can still read pid 10.
        try tree.set(pid: 10, parent: 1, read: 1000, written: 600)
        try FileManager.default.moveItem(atPath: "\(tree.root)/10", toPath: "\(tree.root)/moved-10")
        let rates = try #require(sampler.rates(group: "c", pids: [10], unaccountedDevices: ["vda"]))
        #expect(rates.processes == 1 && rates.unreadableProcesses == 0)
        // 500 bytes more for pid 10, less the 50 its reaped child had already shown.
        #expect(abs(rates.writtenBytesPerSecond / rates.readBytesPerSecond * 1000 - 450) < 1e-6)
        #expect(sampler.keptProcesses == 1, "the child's files are closed once it is no longer listed")
        sampler.retain(only: [])
        #expect(sampler.keptProcesses == 0)
    }

    @Test("kept files are bounded: processes beyond the limit are opened and closed at each sample")
    func keptDescriptorsAreBounded() throws {
        let tree = ProcTree()
        try tree.set(pid: 10, parent: 1, written: 100)
        try tree.set(pid: 11, parent: 1, written: 50)
        let sampler = ProcessIOSampler(procfs: Procfs(root: tree.root), keptProcessLimit: 1)
        _ = sampler.rates(group: "c", pids: [10, 11], unaccountedDevices: ["vda"])
        #expect(sampler.keptProcesses == 1)
        try tree.set(pid: 10, parent: 1, read: 1000, written: 110)
        try tree.set(pid: 11, parent: 1, written: 70)
        let rates = try #require(sampler.rates(group: "c", pids: [10, 11], unaccountedDevices: ["vda"]))
        #expect(rates.processes == 2 && sampler.keptProcesses == 1)
        #expect(abs(rates.writtenBytesPerSecond / rates.readBytesPerSecond * 1000 - 30) < 1e-6)
    }

    @Test(
        "kept files: the parent is re-read every sample, so a reparented child that exits is not taken off its old parent"
    )
    func keptDescriptorsFollowReparenting() throws {
        let tree = ProcTree()
        try tree.set(pid: 10, parent: 1, written: 100)
        try tree.set(pid: 11, parent: 10, written: 50)
        let sampler = ProcessIOSampler(procfs: Procfs(root: tree.root), keptProcessLimit: 8)
        _ = sampler.rates(group: "c", pids: [10, 11], unaccountedDevices: ["vda"])
        // pid 11 is reparented to 1 (outside the group), then exits: its bytes never reach 10.
        try tree.set(pid: 11, parent: 1, written: 50)
        _ = sampler.rates(group: "c", pids: [10, 11], unaccountedDevices: ["vda"])
        try tree.remove(pid: 11)
        try tree.set(pid: 10, parent: 1, read: 1000, written: 130)
        let rates = try #require(sampler.rates(group: "c", pids: [10], unaccountedDevices: ["vda"]))
        #expect(abs(rates.writtenBytesPerSecond / rates.readBytesPerSecond * 1000 - 30) < 1e-6)
    }

    @Test("the cgroup is listed only when its task count is not the known processes' threads")
    func listingOnlyWhenTheTasksChange() throws {
        let tree = ProcTree()
        try tree.set(pid: 10, parent: 1, written: 100)
        let sampler = ProcessIOSampler(procfs: Procfs(root: tree.root), keptProcessLimit: 8)
        var listings = 0
        func rates(_ pids: [Int32], tasks: UInt64) -> ProcessIORates? {
            sampler.rates(
                group: "c", taskCount: tasks,
                list: {
                    listings += 1; return pids
                }, unaccountedDevices: ["vda"])
        }
        _ = rates([10], tasks: 1)
        #expect(listings == 1, "the first sample lists")
        try tree.set(pid: 10, parent: 1, read: 1000, written: 150)
        let same = try #require(rates([10], tasks: 1))
        #expect(listings == 1, "one process of one thread, one task: nothing else to list")
        #expect(abs(same.writtenBytesPerSecond / same.readBytesPerSecond * 1000 - 50) < 1e-6)
        // A second process: two tasks, so the cgroup is listed and its bytes counted.
        try tree.set(pid: 11, parent: 10, written: 7)
        try tree.set(pid: 10, parent: 1, read: 2000, written: 150)
        let grown = try #require(rates([10, 11], tasks: 2))
        #expect(listings == 2 && grown.processes == 2)
        #expect(abs(grown.writtenBytesPerSecond / grown.readBytesPerSecond * 1000 - 7) < 1e-6)
        _ = rates([10, 11], tasks: 2)
        #expect(listings == 2)
        // One exits and another starts between two samples: the count alone would not tell,
        // the exited one's kept files do.
        try tree.exit(pid: 11)
        try tree.set(pid: 12, parent: 10, written: 3)
        try tree.set(pid: 10, parent: 1, read: 3000, written: 150)
        let swapped = try #require(rates([10, 12], tasks: 2))
        #expect(listings == 3 && swapped.processes == 2)
    }

    @Test("listed every sample: the init and the children of listed processes are read through their io file alone")
    func listedProcessesReadOnlyTheirIOFile() throws {
        let tree = ProcTree()
        try tree.set(pid: 10, parent: 1, written: 100)
        try tree.set(pid: 11, parent: 10, written: 50)
        let sampler = ProcessIOSampler(procfs: Procfs(root: tree.root), keptProcessLimit: 8)
        _ = sampler.rates(group: "c", listed: [10, 11], initPID: 10, unaccountedDevices: ["vda"])
        // Both stat files now fail to parse: a sampler that read them would count two unreadable processes.
        try tree.set(pid: 10, parent: 1, read: 1000, written: 130)
        try tree.set(pid: 11, parent: 10, written: 60)
        for pid in [10, 11] { try "".write(toFile: "\(tree.root)/\(pid)/stat", atomically: false, encoding: .utf8) }
        let rates = try #require(
            sampler.rates(group: "c", listed: [10, 11], initPID: 10, unaccountedDevices: ["vda"]))
        #expect(rates.processes == 2 && rates.unreadableProcesses == 0)
        #expect(abs(rates.writtenBytesPerSecond / rates.readBytesPerSecond * 1000 - 40) < 1e-6)
    }

    @Test(
        "listed every sample: a process whose parent is outside the group has its parent re-read, so once reparented to the init its exit is not counted twice"
    )
    func listedProcessReparentedToTheInit() throws {
        let tree = ProcTree()
        try tree.set(pid: 10, parent: 1, written: 100)
        // A `docker exec`: its parent is the runtime's shim, outside the group.
        try tree.set(pid: 12, parent: 5, written: 50)
        let sampler = ProcessIOSampler(procfs: Procfs(root: tree.root), keptProcessLimit: 8)
        _ = sampler.rates(group: "c", listed: [10, 12], initPID: 10, unaccountedDevices: ["vda"])
        // The shim exits: 12 is reparented to the init, nothing listed changes.
        try tree.set(pid: 10, parent: 1, read: 1000, written: 100)
        try tree.set(pid: 12, parent: 10, written: 80)
        let moved = try #require(
            sampler.rates(group: "c", listed: [10, 12], initPID: 10, unaccountedDevices: ["vda"]))
        #expect(abs(moved.writtenBytesPerSecond / moved.readBytesPerSecond * 1000 - 30) < 1e-6)
        // 12 exits and the init reaps it: its 80 bytes move into the init's, counted already.
        try tree.remove(pid: 12)
        try tree.set(pid: 10, parent: 1, read: 2000, written: 180)
        let reaped = try #require(sampler.rates(group: "c", listed: [10], initPID: 10, unaccountedDevices: ["vda"]))
        #expect(reaped.readBytesPerSecond > 0 && reaped.writtenBytesPerSecond == 0)
        #expect(reaped.processes == 1)
    }

    @Test("listed every sample: a new process is counted at the sample that lists it, from zero")
    func listedNewProcess() throws {
        let tree = ProcTree()
        try tree.set(pid: 10, parent: 1, written: 100)
        let sampler = ProcessIOSampler(procfs: Procfs(root: tree.root), keptProcessLimit: 8)
        _ = sampler.rates(group: "c", listed: [10], initPID: 10, unaccountedDevices: ["vda"])
        try tree.set(pid: 10, parent: 1, read: 1000, written: 110)
        try tree.set(pid: 13, parent: 10, written: 5)
        let grown = try #require(sampler.rates(group: "c", listed: [10, 13], initPID: 10, unaccountedDevices: ["vda"]))
        #expect(grown.processes == 2 && sampler.keptProcesses == 2)
        #expect(abs(grown.writtenBytesPerSecond / grown.readBytesPerSecond * 1000 - 15) < 1e-6)
    }
}
