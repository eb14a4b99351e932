import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import BPF

/// Loading, attaching, reading and closing in this process, against the real kernel.
@Suite(.serialized) struct BPFLoaderLiveTests {
    @Test(.enabled(if: BPFTestEnvironment.canRunBPFTool, BPFTestEnvironment.bpftoolReason))
    func runqlatCountsSwitchesAndLeavesNothingLoadedAfterClose() throws {
        let probe = try RunQueueLatencyProbe(unit: .microseconds)
        let attached = try LoadedPrograms.attachments(of: getpid())
        #expect(
            Set(attached.compactMap(\.tracepoint)) == [
                "sched_wakeup", "sched_wakeup_new", "sched_switch", "sched_process_exit"
            ])
        // Sleeping wakes this thread: its run-queue latency is counted under this process and
        // this process's cgroup (recorded when it switched out), not under the waker's.
        usleep(2_000)
        for _ in 0..<20 { usleep(2_000) }
        let drained = try probe.drain()
        let ours = drained.filter { $0.key.id == getpid() && !$0.key.idIsThread }
        #expect(ours.values.joined().reduce(0, +) >= 10)
        #expect(Set(ours.keys.map(\.cgroupID)) == [try unifiedCgroupID(of: getpid())])
        // Drained: counted afresh from zero.
        let again = try probe.drain()
        #expect(again.filter { $0.key.id == getpid() }.values.joined().reduce(0, +) < 20)
        probe.close()
        #expect(try LoadedPrograms.attachments(of: getpid()).isEmpty)
        #expect(try !LoadedPrograms.anyLoaded(Set(attached.map(\.prog_id))))
    }

    @Test(.enabled(if: BPFTestEnvironment.canRunBPF, BPFTestEnvironment.bpfReason))
    func verifierRejectionCarriesTheLog() throws {
        // r0 = r2; exit: r2 is never written, which the verifier refuses.
        let spec = BPFProgramSpec(
            name: "reads_r2", sectionName: "tracepoint/sched/sched_switch",
            instructions: [0xbf, 0x20, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0], mapReferences: [])
        let error = #expect(throws: BPFError.self) { _ = try BPFProgram(spec, type: 5, license: "GPL", maps: [:]) }
        guard case .verifierRejected(let program, let errorNumber, let log)? = error else {
            Issue.record("expected a verifier rejection, got \(String(describing: error))")
            return
        }
        #expect(program == "reads_r2")
        #expect(errorNumber == EACCES)
        #expect(log.contains("R2 !read_ok"))
    }

    @Test(.enabled(if: BPFTestEnvironment.canRunBPF, BPFTestEnvironment.bpfReason))
    func mapsIterateAndClear() throws {
        let map = try BPFMap(
            BPFMapSpec(
                name: "test_hash", type: 1, keyByteCount: 4, valueByteCount: 8, maximumEntries: 16, flags: 0,
                sectionOffset: 0))
        for key in UInt8(1)...5 { try map.update(key: [key, 0, 0, 0], value: [key * 10, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(Set(try map.keys().map { $0[0] }) == [1, 2, 3, 4, 5])
        #expect(try map.value(forKey: [3, 0, 0, 0])?.first == 30)
        #expect(try map.delete(key: [3, 0, 0, 0]))
        #expect(try !map.delete(key: [3, 0, 0, 0]))
        #expect(try map.value(forKey: [3, 0, 0, 0]) == nil)
        let drained = try map.drain()
        #expect(Set(drained.map { $0.value[0] }) == [10, 20, 40, 50])
        #expect(try map.keys().isEmpty)
        map.close()
        #expect(throws: BPFError.self) { try map.keys() }
    }
}

/// The inode of the unified-hierarchy cgroup directory of `pid`: what bpf_get_current_cgroup_id() returns.
func unifiedCgroupID(of pid: Int32) throws -> UInt64 {
    let text = try String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8)
    let path = try #require(text.split(separator: "\n").first { $0.hasPrefix("0::") }).dropFirst(3)
    let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8).split(separator: "\n")
    let mount = try #require(mounts.first { $0.contains(" - cgroup2 ") }).split(separator: " ")[4]
    var info = stat()
    #expect(stat("\(mount)\(path == "/" ? "" : String(path))", &info) == 0)
    return UInt64(info.st_ino)
}
