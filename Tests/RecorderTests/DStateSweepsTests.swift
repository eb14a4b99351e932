import Foundation
import LinuxHost
import Recording
import Testing
@testable import Recorder

#if canImport(Glibc)
import Glibc
#endif

/// The recorder's D-state sweeps on a fixture proc tree: one process whose thread 101 sleeps
/// in D. The recorder sweeps when /proc/stat's procs_blocked is non-zero and every N samples
/// otherwise; samples in between store no D threads and cost no thread reads.
@Suite struct DStateSweepsTests {
    /// A proc tree with process 100 (threads 100, S, and 101, D in submit_bio_wait).
    static func fixture() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-recorder-dstate-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        for (tid, state) in [(100, "S"), (101, "D")] {
            let directory = "\(root)/100/task/\(tid)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let fields = (4...44).map { _ in "0" }.joined(separator: " ")
            try "\(tid) (dd) \(state) \(fields)\n".write(toFile: directory + "/stat", atomically: true, encoding: .utf8)
            try "submit_bio_wait".write(toFile: directory + "/wchan", atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test("no task blocked on I/O: the first sample and every Nth sweep, the others read no thread")
    func periodicSweeps() throws {
        let root = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sweeps = DStateSweeps(procfs: Procfs(root: root), fullSweepEvery: 3)
        var swept: [Bool] = []
        var found: [Int] = []
        for sample in 0..<7 {
            let result = sweeps.sweep(blockedTasks: 0, unixMilliseconds: Int64(sample) * 1000) { _ in "docker:abc" }
            swept.append(result.swept)
            found.append(result.counts["docker:abc"] ?? 0)
            #expect(result.events.isEmpty == !result.swept)
        }
        #expect(swept == [true, false, false, true, false, false, true])
        #expect(found == [1, 0, 0, 1, 0, 0, 1], "every sweep finds the D thread, the samples between store none")
    }

    @Test("procs_blocked > 0 sweeps in that very sample, and names the thread and its wait")
    func blockedTasksSweepAtOnce() throws {
        let root = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sweeps = DStateSweeps(procfs: Procfs(root: root), fullSweepEvery: 30)
        #expect(sweeps.sweep(blockedTasks: 0, unixMilliseconds: 0) { _ in nil }.swept)
        #expect(!sweeps.sweep(blockedTasks: 0, unixMilliseconds: 1000) { _ in nil }.swept)
        let blocked = sweeps.sweep(blockedTasks: 1, unixMilliseconds: 2000) { _ in nil }
        #expect(blocked.swept)
        #expect(blocked.counts == [nil: 1])
        let event = try #require(blocked.events.first)
        #expect(event.kind == .dStateThreads)
        #expect(event.container == nil)
        #expect(event.message.contains("dd[101] in submit_bio_wait"))
        // Unreadable /proc/stat: sweep rather than miss a stall.
        #expect(sweeps.sweep(blockedTasks: nil, unixMilliseconds: 3000) { _ in nil }.swept)
        #expect(!sweeps.sweep(blockedTasks: 0, unixMilliseconds: 4000) { _ in nil }.swept)
    }
}
