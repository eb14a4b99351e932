import KernelTrace
import Testing
@testable import TraceAnalysis

/// A host thread and a container thread sharing CPU 0 with a known pattern.
private func webContainerStatedump() -> Statedump {
    Statedump(
        threads: [
            StatedumpThread(tid: 100, pid: 100, ppid: 1, comm: "nginx", namespacePIDs: [100, 1], containerIndex: 0),
            StatedumpThread(tid: 200, pid: 200, ppid: 1, comm: "backup")
        ],
        containers: [
            StatedumpContainer(runtime: "docker", id: "0123456789abcdef", name: "web", pidNamespace: 4026532572)
        ])
}

private func cell(_ report: AnalysisReport, _ table: String, row: Int, column: String) -> ReportValue? {
    guard let table = report.table(table), row < table.rows.count,
        let index = table.tableClass.columns.firstIndex(where: { $0.title == column })
    else { return nil }
    return table.rows[row][index]
}

@Suite("cputop, schedlat and dstate on synthetic traces")
struct SchedulerAnalysesTests {
    /// CPU 0 over 100 ms: nginx (container web) runs 30 ms, backup (host) 10 ms, idle 60 ms.
    func busyIdleTrace(style: SyntheticTrace.Style) -> SyntheticTrace {
        var trace = SyntheticTrace(style: style)
        trace.statedump = webContainerStatedump()
        trace.schedSwitch(at: 1 * millisecond, cpu: 0, prev: (0, "swapper/0"), next: (100, "nginx"))
        trace.schedSwitch(at: 31 * millisecond, cpu: 0, prev: (100, "nginx"), prevState: 1, next: (200, "backup"))
        trace.schedSwitch(at: 41 * millisecond, cpu: 0, prev: (200, "backup"), prevState: 1, next: (0, "swapper/0"))
        trace.schedSwitch(at: 101 * millisecond, cpu: 0, prev: (0, "swapper/0"), next: (0, "swapper/0"))
        return trace
    }

    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func cputopChargesThreadsProcessesContainersAndCPUs(style: SyntheticTrace.Style) throws {
        let report = try TraceAnalysisRunner.run(
            .cputop, source: busyIdleTrace(style: style), options: AnalysisOptions())
        #expect(report.begin == 1 * millisecond && report.end == 101 * millisecond)
        #expect(cell(report, "per-tid", row: 0, column: "Usage") == .ratio(0.3))
        #expect(cell(report, "per-tid", row: 0, column: "Process") == .process(name: "nginx", pid: 100, tid: 100))
        #expect(cell(report, "per-tid", row: 0, column: "Container") == .string("web"))
        #expect(cell(report, "per-tid", row: 1, column: "Usage") == .ratio(0.1))
        #expect(cell(report, "per-tid", row: 1, column: "Priorities") == .string("[20]"))
        #expect(report.table("per-tid")?.rows.count == 2, "the idle thread is not listed")
        #expect(cell(report, "per-container", row: 0, column: "Container") == .string("web (4026532572)"))
        #expect(cell(report, "per-container", row: 0, column: "CPU time") == .duration(30 * millisecond))
        #expect(cell(report, "per-cpu", row: 0, column: "Usage") == .ratio(0.4))
    }

    @Test func cputopFiltersByContainerAndClipsToTheWindow() throws {
        var options = AnalysisOptions()
        options.filter.containers = ["web"]
        options.filter.begin = .sinceStart(11 * millisecond)
        options.filter.end = .sinceStart(61 * millisecond)
        let report = try TraceAnalysisRunner.run(.cputop, source: busyIdleTrace(style: .ftrace), options: options)
        // Window [12 ms, 62 ms]: nginx runs 12-31 ms = 19 ms of 50 ms.
        #expect(report.table("per-tid")?.rows.count == 1)
        #expect(cell(report, "per-tid", row: 0, column: "Usage") == .ratio(19.0 / 50.0))
    }

    /// nginx waits 1, 2 and 4 ms for the CPU after each wake-up; backup waits 8 ms.
    func latencyTrace(style: SyntheticTrace.Style) -> SyntheticTrace {
        var trace = SyntheticTrace(style: style)
        trace.statedump = webContainerStatedump()
        var now: UInt64 = 1 * millisecond
        for (tid, comm, wait) in [
            (Int64(100), "nginx", 1 * millisecond), (100, "nginx", 2 * millisecond), (100, "nginx", 4 * millisecond),
            (200, "backup", 8 * millisecond)
        ] {
            trace.wakeup(at: now, cpu: 0, tid: tid, comm: comm)
            trace.schedSwitch(at: now + wait, cpu: 0, prev: (0, "swapper/0"), next: (tid, comm))
            trace.schedSwitch(
                at: now + wait + millisecond, cpu: 0, prev: (tid, comm), prevState: 1, next: (0, "swapper/0"))
            now += 20 * millisecond
        }
        return trace
    }

    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func schedlatMeasuresWakeupToRun(style: SyntheticTrace.Style) throws {
        var options = AnalysisOptions()
        options.statistics = true
        options.frequency = true
        options.perContainer = true
        options.log = true
        options.top = 2
        let report = try TraceAnalysisRunner.run(.schedlat, source: latencyTrace(style: style), options: options)
        let overall = try #require(report.table("sched-stats")?.rows.first)
        #expect(
            Array(overall.prefix(4)) == [
                .integer(4), .duration(1 * millisecond), .duration(3_750_000), .duration(8 * millisecond)
            ])
        let perContainer = try #require(report.table("sched-per-container"))
        #expect(perContainer.rows.map { $0[0] } == [.string("[host]"), .string("web")])
        #expect(perContainer.rows[1][1] == .integer(3))
        #expect(cell(report, "sched-per-priority", row: 0, column: "Priority") == .integer(20))
        // --log --top 2: the two slowest, slowest first.
        let log = try #require(report.table("sched-log"))
        #expect(log.rows.map { $0[2] } == [.duration(8 * millisecond), .duration(4 * millisecond)])
        // Log2 (usecs): 1000 -> [512, 1023], 2000 -> [1024, 2047], 4000 -> [2048, 4095], 8000 -> [4096, 8191].
        guard case .log2(let histogram) = report.histograms.first?.buckets else {
            Issue.record("no log2 histogram"); return
        }
        #expect(histogram.slots[10...13].elementsEqual([1, 1, 1, 1]))
        #expect(report.histograms.count == 3, "one overall and one per container")
    }

    /// A waking sent while the thread still runs (it is on its way to sleep) is not where its
    /// wait starts: the wakeup after its switch-out is. Nor is a waking of a thread that was
    /// running before its CPU's first sched_switch (the trace did not show it on the CPU yet).
    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func schedlatIgnoresWakeupsOfRunningThreads(style: SyntheticTrace.Style) throws {
        var trace = SyntheticTrace(style: style)
        trace.schedSwitch(at: 1 * millisecond, cpu: 0, prev: (0, "swapper/0"), next: (200, "worker"))
        trace.wakeup("sched_waking", at: 2 * millisecond, cpu: 1, tid: 200, comm: "worker")
        trace.schedSwitch(at: 3 * millisecond, cpu: 0, prev: (200, "worker"), prevState: 1, next: (0, "swapper/0"))
        trace.wakeup("sched_wakeup", at: 3_100 * microsecond, cpu: 0, tid: 200, comm: "worker")
        trace.schedSwitch(at: 3_300 * microsecond, cpu: 0, prev: (0, "swapper/0"), next: (200, "worker"))
        // tid 300 runs on CPU 1 from before the trace.
        trace.wakeup("sched_waking", at: 10 * millisecond, cpu: 0, tid: 300, comm: "late")
        trace.schedSwitch(at: 11 * millisecond, cpu: 1, prev: (300, "late"), prevState: 1, next: (0, "swapper/1"))
        trace.wakeup("sched_waking", at: 12 * millisecond, cpu: 0, tid: 300, comm: "late")
        trace.wakeup("sched_wakeup", at: 12_100 * microsecond, cpu: 0, tid: 300, comm: "late")
        trace.schedSwitch(at: 12_500 * microsecond, cpu: 1, prev: (0, "swapper/1"), next: (300, "late"))
        var options = AnalysisOptions()
        options.log = true
        let report = try TraceAnalysisRunner.run(.schedlat, source: trace, options: options)
        let log = try #require(report.table("sched-log"))
        #expect(log.rows.map { $0[2] } == [.duration(200 * microsecond), .duration(500 * microsecond)])
    }

    @Test func schedlatMinMaxFilters() throws {
        var options = AnalysisOptions()
        options.filter.minimumDuration = 1_500 * microsecond
        options.filter.maximumDuration = 5 * millisecond
        let report = try TraceAnalysisRunner.run(.schedlat, source: latencyTrace(style: .lttng), options: options)
        #expect(report.table("sched-stats")?.rows.first?.first == .integer(2))
    }

    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func dstateReportsSleepsAndTheirWaker(style: SyntheticTrace.Style) throws {
        var trace = SyntheticTrace(style: style)
        trace.statedump = webContainerStatedump()
        trace.schedSwitch(at: 1 * millisecond, cpu: 0, prev: (0, "swapper/0"), next: (100, "nginx"))
        // nginx blocks in D for 5 ms; backup (running on CPU 1) wakes it.
        trace.schedSwitch(at: 2 * millisecond, cpu: 0, prev: (100, "nginx"), prevState: 2, next: (0, "swapper/0"))
        trace.schedSwitch(at: 2 * millisecond, cpu: 1, prev: (0, "swapper/1"), next: (200, "backup"))
        trace.wakeup(at: 7 * millisecond, cpu: 1, waker: 200, tid: 100, comm: "nginx")
        // An interruptible sleep (S) is not a D-state sleep.
        trace.schedSwitch(at: 8 * millisecond, cpu: 1, prev: (200, "backup"), prevState: 1, next: (0, "swapper/1"))
        trace.wakeup(at: 9 * millisecond, cpu: 0, tid: 200, comm: "backup")
        var options = AnalysisOptions()
        options.statistics = true
        options.log = true
        let report = try TraceAnalysisRunner.run(.dstate, source: trace, options: options)
        let perThread = try #require(report.table("dstate-per-thread"))
        #expect(perThread.rows.count == 1)
        #expect(perThread.rows[0][0] == .process(name: "nginx", pid: 100, tid: 100))
        #expect(perThread.rows[0][2] == .duration(5 * millisecond))
        let log = try #require(report.table("dstate-log"))
        #expect(log.rows.first?.last == .process(name: "backup", pid: 200, tid: 200))
        #expect(report.table("dstate-per-container")?.rows.first?.first == .string("web"))
    }
}
