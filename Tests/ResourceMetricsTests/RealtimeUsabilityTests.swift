import LinuxHost
import Presentation
import ResourceMetrics
import Testing

/// Whether SCHED_FIFO can be used, and the reasons and fixes, for the cases of seed 001.
@Suite struct RealtimeUsabilityTests {
    static func budget(own: Int64, parent: Int64, hidden: Bool = false) -> CgroupRealtimeBudget {
        var levels: [CgroupRealtimeBudget.Level] = [
            .init(cgroupPath: "/docker/abc", rtRuntimeMicroseconds: own, rtPeriodMicroseconds: 1_000_000)
        ]
        if !hidden {
            levels.append(.init(cgroupPath: "/docker", rtRuntimeMicroseconds: parent, rtPeriodMicroseconds: 1_000_000))
            levels.append(.init(cgroupPath: "/", rtRuntimeMicroseconds: 950_000, rtPeriodMicroseconds: 1_000_000))
        }
        return CgroupRealtimeBudget(groupScheduling: .present, levels: levels, ancestorsHidden: hidden)
    }

    static let dockerDefault = ProcessRealtimeLimits(hasCapSysNice: false, rtprioSoftLimit: 0, rtprioHardLimit: 0)
    static let sysNice = ProcessRealtimeLimits(hasCapSysNice: true, rtprioSoftLimit: 0, rtprioHardLimit: 0)

    @Test("Docker's defaults: no capability, RLIMIT_RTPRIO 0, no budget on the container nor on /docker")
    func dockerDefaults() {
        let usability = RealtimeUsability(
            budget: Self.budget(own: 0, parent: 0), limits: Self.dockerDefault, insideContainer: false)
        #expect(!usability.usable)
        #expect(usability.highestPriority == 0)
        #expect(usability.reasons.count == 3)
        #expect(usability.reasons[0].contains("CAP_SYS_NICE is missing and RLIMIT_RTPRIO is 0"))
        #expect(usability.reasons[1].contains("/docker/abc has cpu.rt_runtime_us 0"))
        #expect(usability.reasons[2].contains("ancestor: /docker has cpu.rt_runtime_us 0"))
        let fixes = usability.fixes.joined(separator: "\n")
        #expect(fixes.contains("--cap-add SYS_NICE"))
        #expect(fixes.contains("--ulimit rtprio="))
        #expect(fixes.contains("docker run --cpu-rt-runtime"))
        #expect(fixes.contains("dockerd --cpu-rt-runtime"))
    }

    @Test("--cap-add SYS_NICE but no budget: still blocked, by the budget only (the seed's 'Still blocked')")
    func capabilityWithoutBudget() {
        let usability = RealtimeUsability(
            budget: Self.budget(own: 0, parent: 200_000), limits: Self.sysNice, insideContainer: false)
        #expect(!usability.usable)
        #expect(usability.reasons.count == 1)
        #expect(usability.summary.contains("no RT budget on this cgroup"))
    }

    @Test("inside a container the parents are hidden: the fix says the parent needs a budget first")
    func insideHiddenParents() {
        let usability = RealtimeUsability(
            budget: Self.budget(own: 0, parent: 0, hidden: true), limits: Self.sysNice, insideContainer: true)
        #expect(usability.fixes.contains { $0.contains("parent cgroup (/docker) needs a budget first") })
    }

    @Test("budgets on both and CAP_SYS_NICE: usable at every priority; RLIMIT_RTPRIO alone allows up to it")
    func usable() {
        let both = RealtimeUsability(
            budget: Self.budget(own: 100_000, parent: 200_000), limits: Self.sysNice, insideContainer: false)
        #expect(both.usable)
        #expect(both.highestPriority == 99)
        #expect(both.summary == "SCHED_FIFO/SCHED_RR usable (priorities 1-99)")
        let rlimit = ProcessRealtimeLimits(hasCapSysNice: false, rtprioSoftLimit: 20, rtprioHardLimit: 20)
        let limited = RealtimeUsability(
            budget: Self.budget(own: 100_000, parent: 200_000), limits: rlimit, insideContainer: false)
        #expect(limited.usable)
        #expect(limited.highestPriority == 20)
    }

    @Test("cgroup v2: no group scheduling, so only the capability matters")
    func cgroupV2() {
        let v2 = CgroupRealtimeBudget(
            groupScheduling: .absentCgroupV2, hostRTRuntimeMicroseconds: 950_000, hostRTPeriodMicroseconds: 1_000_000)
        #expect(RealtimeUsability(budget: v2, limits: Self.sysNice, insideContainer: true).usable)
        #expect(!RealtimeUsability(budget: v2, limits: Self.dockerDefault, insideContainer: true).usable)
        #expect(RealtimeText.budgetLine(v2).contains("cgroup v2 has no cpu.rt_runtime_us"))
    }

    @Test("the text lines of stats and top")
    func text() {
        let line = RealtimeText.budgetLine(Self.budget(own: 100_000, parent: 200_000))
        #expect(
            line.hasPrefix(
                "RT budget 100000/1000000 µs (10.0% of each CPU)  parents: /docker 200000/1000000 µs (20.0% of each CPU), / 950000/1000000 µs"
            ))
        let thread = RealtimeThreadRates(
            pid: 1, tid: 7, comm: "rtloop", policy: .fifo, rtPriority: 10, allowedCPUs: CPUList(cpus: [1]), lastCPU: 1,
            cpuCores: 0.1, runQueueWaitSecondsPerSecond: 0.9)
        #expect(
            RealtimeText.threadLines([thread]) == [
                "rtloop TID 7 SCHED_FIFO 10 pinned to CPU 1: 0.100 cores, waited 900.0 ms/s runnable"
            ])
        #expect(RealtimeText.threadLines([]) == ["no SCHED_FIFO/SCHED_RR threads"])
    }
}
