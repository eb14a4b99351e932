import Foundation
import LinuxHost
import Testing
@testable import Recorder

/// The recorder's per-container context switch counters: sums of per-thread increases that
/// only grow while threads come and go (what the live `ContextSwitchSampler` sums between two
/// reads), from a fixture proc tree and cgroup `tasks` file; and cpusets as stored bit masks.
@Suite("Container context switches and cpusets, as recorded")
struct ContainerContextSwitchesTests {
    private final class Fixture {
        let root: String
        init() throws {
            root =
                FileManager.default.temporaryDirectory.appendingPathComponent("periscope-15d-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/cpu", withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        func threads(_ counts: [Int32: (voluntary: Int, involuntary: Int)]) throws {
            try counts.keys.sorted().map { "\($0)\n" }.joined().write(
                toFile: root + "/cpu/tasks", atomically: true, encoding: .utf8)
            for (tid, count) in counts {
                try FileManager.default.createDirectory(
                    atPath: root + "/proc/\(tid)", withIntermediateDirectories: true)
                try """
                Name:\tsh
                Tgid:\t\(tid)
                Pid:\t\(tid)
                PPid:\t1
                voluntary_ctxt_switches:\t\(count.voluntary)
                nonvoluntary_ctxt_switches:\t\(count.involuntary)

                """.write(toFile: root + "/proc/\(tid)/status", atomically: true, encoding: .utf8)
            }
        }
    }

    @Test("totals grow by each thread's increase; a new thread adds its count, an exited one takes nothing back")
    func totalsOnlyGrow() throws {
        let fixture = try Fixture()
        let switches = ContainerContextSwitches(
            procfs: Procfs(root: fixture.root + "/proc"),
            cpu: CgroupDirectories.Location(path: fixture.root + "/cpu", isUnified: false))
        try fixture.threads([10: (5, 100), 11: (7, 20)])
        #expect(switches.read())
        #expect(switches.voluntaryTotal == 12 && switches.involuntaryTotal == 120 && switches.threads == 2)
        // Thread 11 exits, 12 appears, 10 is preempted 50 more times.
        try FileManager.default.removeItem(atPath: fixture.root + "/proc/11")
        try fixture.threads([10: (6, 150), 12: (1, 3)])
        #expect(switches.read())
        #expect(switches.voluntaryTotal == 12 + 1 + 1 && switches.involuntaryTotal == 120 + 50 + 3)
        #expect(switches.threads == 2)
        // Listed but gone before its status is read: skipped, as live.
        try FileManager.default.removeItem(atPath: fixture.root + "/proc/12")
        try "10\n12\n".write(toFile: fixture.root + "/cpu/tasks", atomically: true, encoding: .utf8)
        #expect(switches.read())
        #expect(switches.involuntaryTotal == 170 + 3 && switches.threads == 1)
    }

    @Test("no thread list (cgroup gone, or no cpu controller): nothing read")
    func unreadableThreadList() {
        let gone = ContainerContextSwitches(
            procfs: Procfs(root: "/nonexistent"),
            cpu: CgroupDirectories.Location(path: "/nonexistent/cpu", isUnified: true))
        #expect(!gone.read())
        #expect(!ContainerContextSwitches(procfs: Procfs(root: "/nonexistent"), cpu: nil).read())
    }

    @Test(
        "cpusets as bit masks of CPUs 0-62, nil beyond",
        arguments: [
            ([0], UInt64(1)), ([0, 1], 3), ([1, 3], 10), ([62], 1 << 62), ([63], nil), ([], nil)
        ] as [([Int], UInt64?)])
    func cpusetMask(cpus: [Int], mask: UInt64?) {
        #expect(ContainerLimits.cpusetMask(CPUList(cpus: cpus)) == mask)
    }
}
