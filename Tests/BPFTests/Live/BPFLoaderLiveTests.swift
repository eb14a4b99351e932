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
        #expect(Set(attached.compactMap(\.tracepoint)) == ["sched_wakeup", "sched_wakeup_new", "sched_switch"])
        // Sleeping wakes this thread: its own run-queue latency is counted under its tid.
        let tid = try currentThreadID()
        for _ in 0..<20 { usleep(2_000) }
        let byThread = try probe.drain()
        #expect(byThread[tid]?.reduce(0, +) ?? 0 >= 10)
        // Drained: counted afresh from zero.
        let again = try probe.drain()
        #expect((again[tid]?.reduce(0, +) ?? 0) < 20)
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
        let map = try BPFMap(BPFMapSpec(name: "test_hash", type: 1, keyByteCount: 4, valueByteCount: 8, maximumEntries: 16, flags: 0, sectionOffset: 0))
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

/// This thread's id, from the /proc/thread-self link ("PID/task/TID").
func currentThreadID() throws -> Int32 {
    let target = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")
    return try #require(target.split(separator: "/").last.flatMap { Int32($0) })
}
