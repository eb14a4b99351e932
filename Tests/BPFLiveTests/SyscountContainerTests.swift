import Foundation
import Testing

/// syscount against a real container: its calls are counted under its name.
@Suite(.serialized) struct SyscountContainerTests {
    struct Report: Decodable {
        struct Interval: Decodable { var rows: [Row] }
        struct Row: Decodable {
            var container: String?
            var syscall: String
            var calls: UInt64
            var errors: UInt64
            var totalMicroseconds: Double?
        }

        var intervals: [Interval]
    }

    @Test(.enabled(if: BPFTestEnvironment.canRunDocker, BPFTestEnvironment.dockerReason))
    func containerCallsAndFailuresAreCountedUnderItsName() throws {
        let workload = RunqlatContainerTests.Workload()
        // Each loop forks (busybox runs its `ls` applet in the child, without exec), and the
        // stat of a missing path fails.
        let caller = try workload.start("syscalls", [], command: "while :; do ls /nonexistent 2>/dev/null; done")

        let result = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "syscount", "--per-container", "-L", "--top", "50", "-d", "3", "--json"
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let rows = try #require(
            try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8)).intervals.first
        ).rows
        let ours = rows.filter { $0.container == caller }
        let clone = try #require(
            ours.first { $0.syscall == "clone" }, "no clone row for \(caller): \(ours.map(\.syscall))")
        #expect(clone.calls >= 10)
        #expect((ours.first { $0.syscall == "newfstatat" }?.errors ?? 0) >= 10)
        #expect(ours.allSatisfy { $0.totalMicroseconds != nil })
        #expect(ours.contains { $0.errors > 0 })

        // -x ranks failed calls; --container keeps that container only.
        let failed = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "syscount", "--container", caller, "-x", "-d", "2", "--json"
        ])
        #expect(failed.status == 0, "\(failed.standardError)")
        let failedRows = try #require(
            try JSONDecoder().decode(Report.self, from: Data(failed.standardOutput.utf8)).intervals.first
        ).rows
        #expect(!failedRows.isEmpty)
        #expect(failedRows.allSatisfy { $0.container == caller && $0.errors > 0 && $0.totalMicroseconds == nil })
    }
}
