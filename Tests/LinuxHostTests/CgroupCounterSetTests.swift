import Foundation
import Testing
@testable import LinuxHost
import TestSupport

@Suite("Cgroup counter sets and the mount table watch")
struct CgroupCounterSetTests {
    @Test func theSummaryReadsOnlyWhatTopShows() throws {
        let everything = try CountersCgroupV1Tests.containerFiles()
        let summary = CgroupCounterFiles(everything.directories, counters: .summary)
        #expect(summary != everything, "the same cgroup read for other counters is another set of files")
        let counters = try CgroupCounterReader().read(summary)
        #expect(counters.cpu?.usageNanoseconds != nil)
        #expect(counters.cpuLimits != nil)
        #expect(counters.memory?.workingSetBytes != nil)
        #expect(counters.memory?.limitBytes != nil)
        #expect(counters.memory?.limitHitCount == nil)
        #expect(counters.blockIO != nil)
        #expect(counters.blockIOLimits == nil)
        #expect(counters.pids?.current != nil)
        #expect(counters.cpuPressure == nil && counters.memoryPressure == nil && counters.ioPressure == nil)
        #expect(counters.cpuset == nil)

        let full = try CgroupCounterReader().read(everything)
        #expect(full.memory?.limitHitCount != nil)
        #expect(full.cpuPressure != nil)
        #expect(full.cpu?.usageNanoseconds == counters.cpu?.usageNanoseconds)
    }

    @Test func aFixtureMountTableIsReadOnce() throws {
        let watch = try MountInfoWatch(path: CountersCgroupV1Tests.root + "/proc/self/mountinfo")
        let reader = KernelFileReader()
        #expect(try watch.textIfChanged(reader: reader)?.contains("cgroup") == true)
        #expect(try watch.textIfChanged(reader: reader) == nil)
    }

}

/// The host's real mount table: live, because any mount on the host (a container starting) is
/// a change the watch must report.
@Suite("The mount table watch on the host")
struct MountWatchLiveTests {
    @Test(.live(if: geteuid() == 0, "needs root to mount a tmpfs"))
    func aMountIsNoticedAndReadOnce() throws {
        let watch = try MountInfoWatch(path: "/proc/self/mountinfo")
        let reader = KernelFileReader()
        #expect(try watch.textIfChanged(reader: reader) != nil)
        #expect(try watch.textIfChanged(reader: reader) == nil)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-watch-\(getpid())")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(mount("periscope-test", directory, "tmpfs", 0, nil) == 0)
        let changed = try watch.textIfChanged(reader: reader)
        #expect(umount(directory) == 0)
        #expect(changed?.contains(directory) == true)
        #expect(try watch.textIfChanged(reader: reader)?.contains(directory) == false, "the unmount is a change too")
        #expect(try watch.textIfChanged(reader: reader) == nil)
    }
}
