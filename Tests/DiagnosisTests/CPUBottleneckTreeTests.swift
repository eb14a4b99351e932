import Diagnosis
import ResourceMetrics
import Testing

/// The decision tree of seed 000 slide 49 and the three game scenarios of slides 45-47.
@Suite struct CPUBottleneckTreeTests {
    @Test("Scenario 1 (slide 45): throttled_time increasing → cap throttled, even with idle CPU")
    func capThrottled() {
        let web = Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 10, involuntary: 80)
        let report = Synthetic.diagnose(Synthetic.window(host: Synthetic.host(busy: 30), containers: [web]))
        #expect(report.verdict("web")?.outcome == .capThrottled)
        let finding = report.findings("cpu.cap-throttled").first
        #expect(finding?.blame.party == .container)
        #expect(finding?.evidence.contains { $0.metric == "throttled time" && $0.value == 10 } == true)
        #expect(report.status == .findings)
    }

    @Test("throttled time just under the threshold is not cap throttling")
    func throttledBoundary() {
        let web = Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 9.99, involuntary: 0)
        let report = Synthetic.diagnose(Synthetic.window(containers: [web]))
        #expect(report.verdict("web")?.outcome == .notThrottled)
        #expect(report.findings.isEmpty)
        #expect(report.status == .healthy)
    }

    @Test(
        "Scenario 2 (slide 46): not throttled, preempted, no idle CPU, tenants busy → share throttled with the neighbour named"
    )
    func shareThrottled() {
        let web = Synthetic.container("web", usage: 0.3, cap: 1, involuntary: 50, cpuset: [0])
        let batch = Synthetic.container("batch", usage: 0.7, involuntary: 10, cpuset: [0])
        let host = Synthetic.host(perCPUBusy: [100, 5])
        let report = Synthetic.diagnose(Synthetic.window(host: host, containers: [web, batch]))
        #expect(report.verdict("web")?.outcome == .shareThrottled)
        let finding = report.findings("cpu.share-throttled").first { $0.subject == "container web" }
        #expect(finding?.blame.party == .neighbour)
        let neighbour = finding?.blame.neighbours.first { $0.name == "batch" }
        #expect(neighbour != nil)
        #expect(abs((neighbour?.sharePercent ?? 0) - 70) < 0.01)
        #expect(finding?.verdict.contains("batch") == true)
    }

    @Test("idle CPU outside the container's cpuset does not count as idle for it")
    func idleOutsideCpuset() {
        let web = Synthetic.container("web", usage: 0.5, involuntary: 60, cpuset: [0])
        let batch = Synthetic.container("batch", usage: 0.5, cpuset: [0])
        // CPU 1 is idle, CPU 0 is full: the mean host idle (47.5%) would say "idle CPU".
        let report = Synthetic.diagnose(
            Synthetic.window(host: Synthetic.host(perCPUBusy: [100, 5]), containers: [web, batch]))
        #expect(report.verdict("web")?.outcome == .shareThrottled)
    }

    @Test("Scenario 3 (slide 47): involuntary switches not increasing much → not throttled")
    func notThrottled() {
        let web = Synthetic.container("web", usage: 0.8, involuntary: 49.9)
        let report = Synthetic.diagnose(Synthetic.window(host: Synthetic.host(busy: 100), containers: [web]))
        #expect(report.verdict("web")?.outcome == .notThrottled)
        #expect(report.findings.allSatisfy { !$0.rule.hasPrefix("cpu.") })
    }

    @Test("preempted but the host has idle CPU at the threshold → not throttled (dig further)")
    func idleCPUBoundary() {
        // The container itself is all the busy CPU: no other tenant.
        let web = Synthetic.container("web", usage: 1.81, involuntary: 200)
        let atThreshold = Synthetic.diagnose(Synthetic.window(host: Synthetic.host(busy: 90), containers: [web]))
        #expect(atThreshold.verdict("web")?.outcome == .notThrottled)
        let below = Synthetic.diagnose(Synthetic.window(host: Synthetic.host(busy: 90.01), containers: [web]))
        #expect(below.verdict("web")?.outcome == .physicalCPUThrottled)
    }

    @Test("preempted, no idle CPU, all other tenants idle → physical CPU throttled")
    func physicalCPU() {
        let web = Synthetic.container("web", usage: 2, involuntary: 300)
        let idleNeighbour = Synthetic.container("idle", usage: 0.099)
        let report = Synthetic.diagnose(
            Synthetic.window(host: Synthetic.host(busy: 100), containers: [web, idleNeighbour]))
        #expect(report.verdict("web")?.outcome == .physicalCPUThrottled)
        #expect(report.findings("cpu.physical-throttled").first?.blame.party == .container)
    }

    @Test("host processes count as a busy tenant and are named")
    func hostProcessesAsTenant() {
        let web = Synthetic.container("web", usage: 0.5, involuntary: 100)
        let window = Synthetic.window(
            host: Synthetic.host(busy: 100), containers: [web],
            hostProcesses: [ProcessCPU(pid: 42, comm: "cc1", cores: 1.4)])
        let report = Synthetic.diagnose(window)
        #expect(report.verdict("web")?.outcome == .shareThrottled)
        let neighbour = report.findings("cpu.share-throttled").first?.blame.neighbours.first
        #expect(neighbour?.kind == "host")
        #expect(neighbour?.name.contains("cc1") == true)
        #expect(abs((neighbour?.amount ?? 0) - 1.5) < 0.001)
    }

    @Test("a starved container preempted often per CPU-second it gets counts as preempted")
    func starvedContainer() {
        // 0.06 cores and 24 switches/s: 400 per CPU-second, under 50/s in absolute terms.
        let starved = Synthetic.container("starved", usage: 0.06, involuntary: 24, cpuset: [0])
        let hog = Synthetic.container("hog", usage: 0.95, cpuset: [0])
        let report = Synthetic.diagnose(
            Synthetic.window(host: Synthetic.host(perCPUBusy: [100, 0]), containers: [starved, hog]))
        #expect(report.verdict("starved")?.outcome == .shareThrottled)
        // Under a tenth of the absolute threshold, the ratio alone is not enough.
        let quiet = Synthetic.container("starved", usage: 0.01, involuntary: 4.9, cpuset: [0])
        #expect(
            Synthetic.diagnose(Synthetic.window(host: Synthetic.host(perCPUBusy: [100, 0]), containers: [quiet, hog]))
                .verdict("starved")?.outcome == .notThrottled)
    }

    /// Issue 11: on a busy host, `sleep` containers using 0.006-0.01 cores with a few preemptions
    /// per second (several hundred "per CPU-second used") were called share throttled.
    @Test(
        "an idle container preempted a few times per second on a full host is not throttled",
        arguments: [(0.006, 8.0), (0.01, 6.0)])
    func idleContainerOnBusyHost(usage: Double, involuntary: Double) {
        let sleeper = Synthetic.container("sleeper", usage: usage, involuntary: involuntary)
        let busy = Synthetic.container("busy", usage: 1.9, involuntary: 300)
        let report = Synthetic.diagnose(Synthetic.window(host: Synthetic.host(busy: 100), containers: [sleeper, busy]))
        let verdict = report.verdict("sleeper")
        #expect(verdict?.outcome == .notThrottled)
        #expect(verdict?.path.last?.hasPrefix("wants CPU? no") == true)
        #expect(report.findings.allSatisfy { $0.subject != "container sleeper" })
    }

    @Test("demand: from demand-cores of use, or the container's own CPU PSI at cpu-pressure-percent")
    func demandBoundaries() {
        let hog = Synthetic.container("hog", usage: 0.95, cpuset: [0])
        let host = Synthetic.host(perCPUBusy: [100, 100])
        func outcome(_ container: ObservedContainer) -> CPUVerdict.Outcome? {
            Synthetic.diagnose(Synthetic.window(host: host, containers: [container, hog])).verdict("web")?.outcome
        }
        #expect(outcome(Synthetic.container("web", usage: 0.049, involuntary: 60)) == .notThrottled)
        #expect(outcome(Synthetic.container("web", usage: 0.051, involuntary: 60)) == .shareThrottled)
        // Starved to almost nothing, yet its tasks wait for a CPU most of the time: it wants CPU.
        var starved = Synthetic.container("web", usage: 0.002, involuntary: 5)
        for index in starved.intervals.indices { starved.intervals[index].cpuPressure = Synthetic.pressure(90) }
        #expect(outcome(starved) == .shareThrottled)
        for index in starved.intervals.indices { starved.intervals[index].cpuPressure = Synthetic.pressure(19.9) }
        #expect(outcome(starved) == .notThrottled)
    }

    @Test("an idle container alone on a full host is not physical CPU throttled")
    func idleNotPhysical() {
        let sleeper = Synthetic.container("sleeper", usage: 0.008, involuntary: 6)
        let report = Synthetic.diagnose(Synthetic.window(host: Synthetic.host(busy: 100), containers: [sleeper]))
        #expect(report.verdict("sleeper")?.outcome == .notThrottled)
        #expect(report.findings("cpu.physical-throttled").isEmpty)
    }
}
