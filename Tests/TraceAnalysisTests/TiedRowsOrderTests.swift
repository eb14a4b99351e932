import KernelTrace
import Testing
@testable import TraceAnalysis

/// Rows with equal sort keys come from dictionaries; without a tie-breaker their order is
/// the hash order, which changes from run to run (and with the order events arrive in).
@Suite("analysis tables order tied rows by id")
struct TiedRowsOrderTests {
    /// Four processes in two containers (two each), each running 10 ms on CPU 0, in `order`.
    func tiedTrace(order: [Int64]) -> SyntheticTrace {
        var trace = SyntheticTrace(style: .ftrace)
        trace.statedump = Statedump(
            threads: [
                StatedumpThread(
                    tid: 100, pid: 100, ppid: 1, comm: "worker", namespacePIDs: [100, 1], containerIndex: 0),
                StatedumpThread(
                    tid: 200, pid: 200, ppid: 1, comm: "worker", namespacePIDs: [200, 2], containerIndex: 0),
                StatedumpThread(
                    tid: 300, pid: 300, ppid: 1, comm: "worker", namespacePIDs: [300, 1], containerIndex: 1),
                StatedumpThread(tid: 400, pid: 400, ppid: 1, comm: "worker", namespacePIDs: [400, 2], containerIndex: 1)
            ],
            containers: [
                StatedumpContainer(runtime: "docker", id: "aaaaaaaaaaaa", name: "alpha", pidNamespace: 4026532001),
                StatedumpContainer(runtime: "docker", id: "bbbbbbbbbbbb", name: "beta", pidNamespace: 4026532002)
            ])
        var now: UInt64 = 1 * millisecond
        var previous: (tid: Int64, comm: String) = (0, "swapper/0")
        for tid in order {
            trace.schedSwitch(at: now, cpu: 0, prev: previous, prevState: 1, next: (tid, "worker"))
            previous = (tid, "worker")
            now += 10 * millisecond
        }
        trace.schedSwitch(at: now, cpu: 0, prev: previous, prevState: 1, next: (0, "swapper/0"))
        return trace
    }

    @Test func cputopProcessesAndContainersWithEqualTimeComeOutInTheSameOrder() throws {
        let first = try TraceAnalysisRunner.run(
            .cputop, source: tiedTrace(order: [400, 100, 300, 200]), options: AnalysisOptions())
        let second = try TraceAnalysisRunner.run(
            .cputop, source: tiedTrace(order: [200, 300, 100, 400]), options: AnalysisOptions())
        let pids = first.table("per-process")?.rows.compactMap { row -> Int32? in
            if case .process(_, let pid?, _) = row[1] { return pid }
            return nil
        }
        #expect(pids == [100, 200, 300, 400])
        #expect(first.table("per-process") == second.table("per-process"))
        #expect(first.table("per-container")?.rows.count == 2)
        #expect(first.table("per-container") == second.table("per-container"))
    }
}
