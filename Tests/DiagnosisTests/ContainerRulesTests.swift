import Foundation
import Diagnosis
import LinuxHost
import ResourceMetrics
import Testing

/// USE for each container's software resources: memory limit, PIDs limit, block I/O throttle.
@Suite struct ContainerRulesTests {
    @Test("working set at 90% of the limit is near the limit; just under is not", arguments: [(89, false), (90, true)])
    func nearLimit(percent: UInt64, expected: Bool) {
        let web = Synthetic.container("web", workingSet: percent << 20, limit: 100 << 20)
        let report = Synthetic.diagnose(Synthetic.window(containers: [web]))
        #expect(!report.findings("memory.near-limit").isEmpty == expected)
    }

    @Test("OOM kills from the cgroup counter and the kernel log are attributed to the container")
    func oomKill() {
        var web = Synthetic.container("web", workingSet: 60 << 20, limit: 64 << 20)
        var first = CgroupCounters(), last = CgroupCounters()
        first.memory = CgroupMemoryCounters()
        first.memory?.oomKillCount = 2
        last.memory = CgroupMemoryCounters()
        last.memory?.oomKillCount = 3
        web.firstCounters = first
        web.lastCounters = last
        let event = KernelLogEvent(
            kind: .oomKill, secondsSinceBoot: 100, message: "oom-kill:...", pid: 4242, comm: "dd",
            cgroupPath: "/docker/web-id", container: "docker:web-id")
        let report = Synthetic.diagnose(
            Synthetic.window(containers: [web], kernelLog: KernelLogObservation(recordsRead: 10, events: [event])))
        let finding = report.findings("memory.oom-kill").first
        #expect(finding?.severity == .critical)
        #expect(finding?.containerKey == "docker:web-id")
        #expect(finding?.verdict.contains("dd (PID 4242)") == true)
        #expect(finding?.evidence.first?.value == 1)
        // Attributed: no host-level OOM finding for the same kill.
        #expect(report.findings("kernel.oom-kill").isEmpty)
        #expect(report.findings.first?.rule == "memory.oom-kill")
    }

    /// Issue 11: a container OOM-killed 5 s before `periscope diagnose` ran had no finding.
    @Test(
        "an OOM kill 5 s before the window: reported from the kernel log's look-back, marked before the window with its time"
    )
    func oomKillBeforeWindow() {
        var web = Synthetic.container("web", workingSet: 10 << 20, limit: 64 << 20)
        var counters = CgroupCounters()
        counters.memory = CgroupMemoryCounters()
        counters.memory?.oomKillCount = 1
        web.firstCounters = counters
        web.lastCounters = counters
        let event = KernelLogEvent(
            kind: .oomKill, secondsSinceBoot: 95, message: "oom-kill:...", pid: 4242, comm: "dd",
            cgroupPath: "/docker/web-id", container: "docker:web-id")
        // The window started 100 s after boot, at 09:50:08 UTC.
        let log = KernelLogObservation(
            recordsRead: 10, events: [event], windowStartSecondsSinceBoot: 100, windowStartUnixSeconds: 1_764_755_408,
            lookbackSeconds: 300)
        let report = Synthetic.diagnose(Synthetic.window(containers: [web], kernelLog: log))
        #expect(report.findings("memory.oom-kill").isEmpty, "not an event of the window")
        let finding = report.findings("memory.oom-kill-before-window").first
        #expect(finding?.severity == .critical)
        #expect(finding?.containerKey == "docker:web-id")
        #expect(
            finding?.verdict.contains("dd (PID 4242) 5.0 s before the window (09:50:03 UTC)") == true,
            "\(finding?.verdict ?? "")")
        #expect(finding?.evidence.first { $0.metric == "last OOM kill logged before the window" }?.value == 5)
        #expect(report.findings("kernel.oom-kill").isEmpty && report.findings("kernel.oom-kill-before-window").isEmpty)
        #expect(report.status == .findings)
    }

    @Test("OOM kills the cgroup counted since the container started, older than the look-back, are reported too")
    func oomKillSinceStartOnly() {
        var web = Synthetic.container("web")
        var counters = CgroupCounters()
        counters.memory = CgroupMemoryCounters()
        counters.memory?.oomKillCount = 3
        web.firstCounters = counters
        web.lastCounters = counters
        let log = KernelLogObservation(recordsRead: 10, windowStartSecondsSinceBoot: 1000, lookbackSeconds: 300)
        let finding = Synthetic.diagnose(Synthetic.window(containers: [web], kernelLog: log)).findings(
            "memory.oom-kill-before-window"
        ).first
        #expect(finding?.evidence.first?.value == 3)
        #expect(finding?.verdict.contains("since it started, before the window") == true)
        #expect(finding?.verdict.contains("last 5 min") == true)
    }

    @Test(
        "kills in the window rank before kills before it; a kill of a process outside the containers before the window is a host finding marked so"
    )
    func oomKillsInAndBeforeWindow() {
        let earlier = KernelLogEvent(
            kind: .oomKill, secondsSinceBoot: 40, message: "Out of memory: Killed process 7 (java)", pid: 7,
            comm: "java")
        let now = KernelLogEvent(
            kind: .oomKill, secondsSinceBoot: 101, message: "Out of memory: Killed process 8 (node)", pid: 8,
            comm: "node")
        let hung = KernelLogEvent(
            kind: .hungTask, secondsSinceBoot: 50, message: "INFO: task jbd2:120 blocked for more than 120 seconds.",
            pid: 120, comm: "jbd2")
        let log = KernelLogObservation(
            events: [earlier, hung, now], windowStartSecondsSinceBoot: 100, lookbackSeconds: 300)
        let report = Synthetic.diagnose(Synthetic.window(kernelLog: log))
        #expect(report.findings("kernel.oom-kill").first?.verdict.contains("node (PID 8)") == true)
        #expect(report.findings("kernel.oom-kill").first?.verdict.contains("java") == false)
        #expect(
            report.findings("kernel.oom-kill-before-window").first?.verdict.contains(
                "java (PID 7) 1 min 0 s before the window") == true)
        #expect(
            report.findings.firstIndex { $0.rule == "kernel.oom-kill" }! < report.findings.firstIndex {
                $0.rule == "kernel.oom-kill-before-window"
            }!)
        #expect(
            report.findings("kernel.hung-task").first?.verdict.contains(
                "before the window (the last 50.0 s before the window)") == true)
    }

    @Test("a window saved before the look-back was recorded still decodes: all its events are in the window")
    func oldSavedKernelLog() throws {
        let json =
            #"{"readable":true,"recordsRead":1,"recordsLost":0,"events":[{"kind":"oom-kill","secondsSinceBoot":5,"message":"m"}]}"#
        let log = try JSONDecoder().decode(KernelLogObservation.self, from: Data(json.utf8))
        #expect(log.lookbackSeconds == nil && log.windowStartSecondsSinceBoot == nil)
        #expect(!log.isBeforeWindow(log.events[0]))
    }

    @Test("an OOM kill in a cgroup that is not a watched container is a host finding")
    func unattributedOOMKill() {
        let event = KernelLogEvent(
            kind: .oomKill, secondsSinceBoot: 1, message: "Out of memory: Killed process 7 (java)", pid: 7, comm: "java"
        )
        let report = Synthetic.diagnose(Synthetic.window(kernelLog: KernelLogObservation(events: [event])))
        #expect(report.findings("kernel.oom-kill").first?.verdict.contains("java (PID 7)") == true)
        #expect(report.status == .findings)
    }

    @Test("without the kernel log, vmstat's oom_kill minus the containers' own kills is a host finding")
    func oomKillWithoutKernelLog() {
        var host = Synthetic.host()
        host.oomKillsSinceLastSample = 1
        var web = Synthetic.container("web")
        var first = CgroupCounters(), last = CgroupCounters()
        first.memory = CgroupMemoryCounters()
        first.memory?.oomKillCount = 0
        last.memory = CgroupMemoryCounters()
        last.memory?.oomKillCount = 2
        web.firstCounters = first
        web.lastCounters = last
        let unreadable = KernelLogObservation(readable: false, unreadableReason: "EPERM")
        // 6 intervals × 1 kill = 6 on the host, 2 of them in web.
        let report = Synthetic.diagnose(Synthetic.window(host: host, containers: [web], kernelLog: unreadable))
        #expect(report.findings("kernel.oom-kill").first?.evidence.first?.value == 4)
        #expect(report.findings("memory.oom-kill").first?.evidence.first?.value == 2)
        #expect(report.checklist.first { $0.command == "dmesg | tail" }?.measured == false)
    }

    @Test("failcnt rising is a finding; flat is not")
    func limitHits() {
        var web = Synthetic.container("web")
        var first = CgroupCounters(), last = CgroupCounters()
        first.memory = CgroupMemoryCounters()
        first.memory?.limitHitCount = 10
        last.memory = first.memory
        web.firstCounters = first
        web.lastCounters = last
        #expect(Synthetic.diagnose(Synthetic.window(containers: [web])).findings("memory.limit-hits").isEmpty)
        web.lastCounters?.memory?.limitHitCount = 11
        #expect(
            Synthetic.diagnose(Synthetic.window(containers: [web])).findings("memory.limit-hits").first?.evidence.first?
                .value == 1)
    }

    @Test("swap growing by a page per second or more is swapping; flat swap is not")
    func swapping() {
        var web = Synthetic.container("web")
        // 6 s window: 6 pages of 4 KiB over it is exactly 1 page/s.
        for index in web.intervals.indices { web.intervals[index].memory.swapBytes = UInt64(index == 5 ? 6 * 4096 : 0) }
        let finding = Synthetic.diagnose(Synthetic.window(containers: [web])).findings("memory.swapping").first
        #expect(finding?.evidence.first?.value == 1)
        for index in web.intervals.indices { web.intervals[index].memory.swapBytes = UInt64(index == 5 ? 5 * 4096 : 0) }
        #expect(Synthetic.diagnose(Synthetic.window(containers: [web])).findings("memory.swapping").isEmpty)
        for index in web.intervals.indices { web.intervals[index].memory.swapBytes = 1 << 30 }
        #expect(Synthetic.diagnose(Synthetic.window(containers: [web])).findings("memory.swapping").isEmpty)
    }

    @Test("PIDs at 90% of pids.max")
    func pidsLimit() {
        var web = Synthetic.container("web")
        for index in web.intervals.indices { web.intervals[index].pids = CgroupPIDCounters(current: 90, limit: 100) }
        #expect(Synthetic.diagnose(Synthetic.window(containers: [web])).findings("pids.near-limit").count == 1)
        for index in web.intervals.indices { web.intervals[index].pids = CgroupPIDCounters(current: 89, limit: 100) }
        #expect(Synthetic.diagnose(Synthetic.window(containers: [web])).findings("pids.near-limit").isEmpty)
    }

    static func throttled(writeIOPS: Double, limit: UInt64) -> ObservedContainer {
        var web = Synthetic.container("web")
        let device = BlockDeviceNumber(major: 7, minor: 0)
        let counters = BlockIOCounters(device: device)
        var rates = CgroupBlockIORates(old: counters, new: counters, rates: RateCalculator(elapsedSeconds: 1)!)
        rates.writeOperationsPerSecond = CounterRate(perSecond: writeIOPS)
        for index in web.intervals.indices {
            web.intervals[index].blockIO = [rates]
            web.intervals[index].blockIOLimits = [BlockIOLimits(device: device, writeOperationsPerSecond: limit)]
        }
        return web
    }

    @Test("block I/O throttle used at 90% of its limit is saturated")
    func throttleSaturated() {
        let report = Synthetic.diagnose(Synthetic.window(containers: [Self.throttled(writeIOPS: 9, limit: 10)]))
        let finding = report.findings("blkio.throttle-saturated").first
        #expect(finding?.blame.party == .container)
        #expect(finding?.verdict.contains("write IOPS") == true)
        #expect(
            report.use.contains {
                $0.resource.hasPrefix("block I/O throttle") && $0.findingRules == ["blkio.throttle-saturated"]
            })
        #expect(
            Synthetic.diagnose(Synthetic.window(containers: [Self.throttled(writeIOPS: 8.9, limit: 10)])).findings(
                "blkio.throttle-saturated"
            ).isEmpty)
    }

    @Test("retransmits of a container's own namespace, with the other containers' traffic listed")
    func containerRetransmits() {
        var web = Synthetic.container("web")
        var counters = TCPCounters()
        counters.segmentsSent = 0
        var tcp = TCPRates(old: counters, new: counters, rates: RateCalculator(elapsedSeconds: 1)!)
        tcp.segmentsRetransmittedPerSecond = CounterRate(perSecond: 5)
        tcp.retransmittedPercent = 2
        web.tcp = Array(repeating: tcp, count: Synthetic.intervals)
        var batch = Synthetic.container("batch")
        var eth0 = NetworkRates(
            old: NetworkDeviceStats(interface: "eth0"), new: NetworkDeviceStats(interface: "eth0"),
            rates: RateCalculator(elapsedSeconds: 1)!)
        eth0.transmittedBytesPerSecond = CounterRate(perSecond: 10 * 1024 * 1024)
        batch.network = Array(repeating: [eth0], count: Synthetic.intervals)
        let report = Synthetic.diagnose(Synthetic.window(containers: [web, batch]))
        let finding = report.findings("network.retransmits").first
        #expect(finding?.subject == "container web")
        #expect(finding?.blame.neighbours.first?.name == "batch")
        #expect(finding?.blame.neighbours.first?.sharePercent == 100)
        // A container on the host network has the host's counters: never attributed to it.
        web.sharesHostNetwork = true
        #expect(Synthetic.diagnose(Synthetic.window(containers: [web, batch])).findings("network.retransmits").isEmpty)
    }

    @Test("asking about one container drops other containers' findings but keeps the host's")
    func focus() {
        let web = Synthetic.container("web", usage: 0.5, cap: 0.5, throttledMilliseconds: 100)
        let batch = Synthetic.container("batch", usage: 0.5, cap: 0.5, throttledMilliseconds: 100)
        let report = Synthetic.diagnose(
            Synthetic.window(host: Synthetic.host(busy: 95), containers: [web, batch], focus: ["docker:web-id"]))
        #expect(report.findings("cpu.cap-throttled").map(\.subject) == ["container web"])
        #expect(report.findings("host.cpu.utilization").count == 1)
        #expect(report.cpuVerdicts.map(\.container) == ["web"])
    }

    @Test("asking about a container that was never sampled: could not diagnose")
    func missingFocus() {
        let report = Synthetic.diagnose(Synthetic.window(focus: ["docker:gone"]))
        #expect(report.status == .undiagnosable)
        #expect(report.limitations.contains { $0.contains("docker:gone") })
    }
}
