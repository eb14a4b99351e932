import Foundation
import LinuxHost
import ResourceMetrics
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The new samplers against this machine's /proc, a fixture proc tree and /dev/kmsg.
@Suite struct LiveSamplerTests {
    @Test("context switches of every thread of this process: sleeping switches voluntarily")
    func contextSwitches() throws {
        let sampler = ContextSwitchSampler()
        #expect(sampler.rates(group: "self", pids: [getpid()]) == nil)
        for _ in 0..<5 { usleep(2000) }
        let rates = try #require(sampler.rates(group: "self", pids: [getpid()]))
        #expect(rates.voluntaryPerSecond > 0)
        #expect(rates.tasks >= 1)
        #expect(rates.vanishedTasks == 0)
        // A PID that does not exist is skipped, not an error.
        #expect(sampler.rates(group: "gone", pids: [Int32.max - 1]) == nil)
        #expect(sampler.rates(group: "gone", pids: [Int32.max - 1])?.tasks == 0)
    }

    /// A proc tree with one process whose second thread sleeps in D.
    static func fixture() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-dstate-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        // Thread 102 names itself "x) D" to look like a D thread to a naive parser.
        for (tid, comm, state) in [(100, "dd", "S"), (101, "dd", "D"), (102, "x) D", "S")] {
            let directory = "\(root)/100/task/\(tid)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let fields = (4...44).map { _ in "0" }.joined(separator: " ")
            try "\(tid) (\(comm)) \(state) \(fields)\n".write(
                toFile: directory + "/stat", atomically: true, encoding: .utf8)
            try "submit_bio_wait".write(toFile: directory + "/wchan", atomically: true, encoding: .utf8)
            try "[<0>] submit_bio_wait+0x5d/0xb0\n[<0>] __blkdev_direct_IO_simple+0x19b/0x2c0\n".write(
                toFile: directory + "/stack", atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test("D-state sweeps: the D thread with its wait channel, stack, container and consecutive runs")
    func dStateSweeps() throws {
        let root = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sampler = DStateSampler(procfs: Procfs(root: root))
        for _ in 0..<3 { sampler.sweep { $0 == 100 ? "docker:abc" : nil } }
        let counts = sampler.sweep { _ in "docker:other" }
        #expect(counts == ["docker:abc": 1])
        let thread = try #require(sampler.threads.first)
        #expect(sampler.threads.count == 1)
        #expect(thread.tid == 101 && thread.pid == 100)
        #expect(thread.container == "docker:abc")
        #expect(thread.samplesInD == 4)
        #expect(thread.longestRunSamples == 4)
        #expect(thread.waitChannel == "submit_bio_wait")
        #expect(thread.kernelStack == ["submit_bio_wait", "__blkdev_direct_IO_simple"])
        #expect(sampler.sweeps == 4)
    }

    @Test("the sync-write probe times each write and leaves no file behind")
    func syncWriteProbe() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-probe-\(getpid())")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = SyncWriteProbe.run(directory: directory, blockBytes: 4096, count: 3)
        #expect(result.failure == nil)
        #expect(result.latenciesMilliseconds.count == 3)
        #expect(result.medianMilliseconds != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        let missing = SyncWriteProbe.run(directory: directory + "/no-such-dir", blockBytes: 4096, count: 1)
        #expect(missing.failure?.contains("No such file") == true)
        #expect(missing.latenciesMilliseconds.isEmpty)
    }

    @Test(
        "/dev/kmsg read without blocking from the start and from the end",
        .live(if: geteuid() == 0 && access("/dev/kmsg", R_OK) == 0, "needs root and /dev/kmsg"))
    func kernelLog() throws {
        let fromStart = try KernelLogReader(start: .beginning)
        let records = try fromStart.readAvailable(maximumRecords: 50)
        #expect(!records.isEmpty)
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
        let started = MonotonicInstant.now()
        let fromEnd = try KernelLogReader(start: .end)
        // Nothing new (or only what the kernel logged just now): returns at once either way.
        _ = try fromEnd.readAvailable()
        #expect(MonotonicInstant.now().seconds(since: started) < 1)
    }
}
