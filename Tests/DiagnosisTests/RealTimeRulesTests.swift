import Diagnosis
import LinuxHost
import ResourceMetrics
import Testing

/// `rt.budget-throttled` and `rt.starving-neighbours` on synthetic windows at their thresholds.
@Suite struct RealTimeRulesTests {
    static let period: UInt64 = 1_000_000

    static func budget(own: Int64, parent: Int64 = 200_000) -> CgroupRealtimeBudget {
        CgroupRealtimeBudget(
            groupScheduling: .present,
            levels: [
                .init(cgroupPath: "/docker/rt-id", rtRuntimeMicroseconds: own, rtPeriodMicroseconds: period),
                .init(cgroupPath: "/docker", rtRuntimeMicroseconds: parent, rtPeriodMicroseconds: period),
                .init(cgroupPath: "/", rtRuntimeMicroseconds: 950_000, rtPeriodMicroseconds: period)
            ], hostRTRuntimeMicroseconds: 950_000, hostRTPeriodMicroseconds: period)
    }

    static func thread(cores: Double?, waitMilliseconds: Double?, cpu: Int = 1) -> RealtimeThreadRates {
        RealtimeThreadRates(
            pid: 4242, tid: 4242, comm: "rtloop", policy: .fifo, rtPriority: 10, allowedCPUs: CPUList(cpus: [cpu]),
            lastCPU: Int32(cpu),
            cpuCores: cores, runQueueWaitSecondsPerSecond: waitMilliseconds.map { $0 / 1000 })
    }

    static func rtContainer(
        budget: CgroupRealtimeBudget?, cores: Double, waitMilliseconds: Double, cpuset: [Int]? = nil
    ) -> ObservedContainer {
        var container = Synthetic.container("rt", usage: cores, cpuset: cpuset)
        container.realtimeBudget = budget
        // The first interval sees the thread for the first time: no rates yet.
        container.realtimeThreads =
            [[thread(cores: nil, waitMilliseconds: nil)]]
            + Array(
                repeating: [thread(cores: cores, waitMilliseconds: waitMilliseconds)], count: Synthetic.intervals - 1)
        return container
    }

    @Test("a SCHED_FIFO loop at its 10% budget waiting 900 ms/s is budget throttled, blamed on its own budget")
    func throttledAtOwnBudget() throws {
        let rt = Self.rtContainer(budget: Self.budget(own: 100_000), cores: 0.1, waitMilliseconds: 900)
        let report = Synthetic.diagnose(Synthetic.window(containers: [rt]))
        let finding = try #require(report.findings("rt.budget-throttled").first)
        #expect(finding.severity == .warning)
        #expect(finding.containerKey == "docker:rt-id")
        #expect(finding.blame.party == .container)
        #expect(finding.verdict.contains("cpu.rt_runtime_us 100000"))
        #expect(finding.verdict.contains("rtloop (TID 4242, SCHED_FIFO 10)"))
        #expect(finding.blame.explanation.contains("docker run --cpu-rt-runtime"))
        #expect(finding.evidence.first { $0.metric == "RT threads' run-queue wait" }?.value == 900)
        #expect(report.status == .findings)
    }

    @Test(
        "run-queue wait just under the threshold, or the budget not spent: no finding",
        arguments: [(99.0, 0.1), (900.0, 0.079)])
    func notThrottled(waitMilliseconds: Double, cores: Double) {
        let rt = Self.rtContainer(budget: Self.budget(own: 100_000), cores: cores, waitMilliseconds: waitMilliseconds)
        #expect(Synthetic.diagnose(Synthetic.window(containers: [rt])).findings("rt.budget-throttled").isEmpty)
    }

    @Test("the parent's budget is the tighter one: blamed on the host's Docker configuration")
    func throttledByParent() throws {
        let rt = Self.rtContainer(budget: Self.budget(own: 100_000, parent: 50_000), cores: 0.05, waitMilliseconds: 950)
        let finding = try #require(
            Synthetic.diagnose(Synthetic.window(containers: [rt])).findings("rt.budget-throttled").first)
        #expect(finding.blame.party == .host)
        #expect(finding.verdict.contains("of /docker"))
        #expect(finding.blame.explanation.contains("dockerd --cpu-rt-runtime"))
    }

    @Test("the kernel's 'sched: RT throttling activated' is attributed to the throttled container, else reported alone")
    func kernelLog() throws {
        let event = KernelLogEvent(kind: .rtThrottling, secondsSinceBoot: 10, message: "sched: RT throttling activated")
        let log = KernelLogObservation(recordsRead: 3, events: [event])
        let rt = Self.rtContainer(budget: Self.budget(own: 100_000), cores: 0.1, waitMilliseconds: 900)
        let report = Synthetic.diagnose(Synthetic.window(containers: [rt], kernelLog: log))
        let finding = try #require(report.findings("rt.budget-throttled").first)
        #expect(finding.verdict.contains("sched: RT throttling activated"))
        #expect(report.findings("rt.throttling-logged").isEmpty)
        let alone = Synthetic.diagnose(Synthetic.window(containers: [Synthetic.container("web")], kernelLog: log))
        #expect(alone.findings("rt.throttling-logged").first?.severity == .info)
    }

    @Test("classify: the kernel's RT throttling line")
    func classify() {
        let record = KernelLogRecord(
            level: 4, facility: 0, sequence: 1, timestampMicroseconds: 5_000_000,
            message: "sched: RT throttling activated")
        #expect(KernelLogEvent.classify([record]).map(\.kind) == [.rtThrottling])
    }

    @Test(
        "a SCHED_FIFO loop using 90% of CPU 1, which another container may use: starving neighbours, the neighbour named"
    )
    func starving() throws {
        let rt = Self.rtContainer(budget: Self.budget(own: 950_000, parent: 950_000), cores: 0.9, waitMilliseconds: 0)
        let neighbour = Synthetic.container("web", usage: 0.2, cpuset: [1])
        let elsewhere = Synthetic.container("batch", usage: 0.5, cpuset: [0])
        let report = Synthetic.diagnose(Synthetic.window(containers: [rt, neighbour, elsewhere]))
        let finding = try #require(report.findings("rt.starving-neighbours").first)
        #expect(finding.severity == .warning)
        #expect(finding.verdict.contains("pinned to CPU 1"))
        #expect(finding.verdict.contains("web"))
        #expect(finding.blame.neighbours.map(\.name) == ["web"])
        #expect(report.findings("rt.budget-throttled").isEmpty)
    }

    @Test("an RT thread just under the CPU threshold, or with no other container on its CPU (info only)")
    func notStarving() {
        let light = Self.rtContainer(
            budget: Self.budget(own: 950_000, parent: 950_000), cores: 0.49, waitMilliseconds: 0)
        let neighbour = Synthetic.container("web", usage: 0.05)
        #expect(
            Synthetic.diagnose(Synthetic.window(containers: [light, neighbour])).findings("rt.starving-neighbours")
                .isEmpty)
        let alone = Self.rtContainer(
            budget: Self.budget(own: 950_000, parent: 950_000), cores: 0.9, waitMilliseconds: 0)
        let other = Synthetic.container("batch", usage: 0.5, cpuset: [0])
        let report = Synthetic.diagnose(Synthetic.window(containers: [alone, other]))
        #expect(report.findings("rt.starving-neighbours").first?.severity == .info)
    }

    @Test("thresholds are tunable by name")
    func tunable() throws {
        var thresholds = Thresholds()
        try thresholds.apply(assignment: "rt-run-queue-wait-ms-per-second=1000")
        try thresholds.apply(assignment: "rt-budget-used-percent=50")
        try thresholds.apply(assignment: "rt-thread-cpu-percent=95")
        #expect(thresholds.rtRunQueueWaitMillisecondsPerSecond == 1000)
        #expect(thresholds.rtBudgetUsedPercent == 50)
        #expect(thresholds.rtThreadCPUPercent == 95)
        let rt = Self.rtContainer(budget: Self.budget(own: 100_000), cores: 0.1, waitMilliseconds: 900)
        #expect(
            Synthetic.diagnose(Synthetic.window(containers: [rt]), thresholds).findings("rt.budget-throttled").isEmpty)
    }
}
