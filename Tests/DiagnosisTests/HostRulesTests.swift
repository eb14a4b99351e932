import Diagnosis
import LinuxHost
import ResourceMetrics
import Testing

/// USE for the host's physical resources and the checklist lines that measure them.
@Suite struct HostRulesTests {
    @Test("CPU utilisation: a finding from exactly the threshold", arguments: [(89.99, false), (90.0, true)])
    func cpuUtilization(busy: Double, expected: Bool) {
        let report = Synthetic.diagnose(Synthetic.window(host: Synthetic.host(busy: busy)))
        #expect(!report.findings("host.cpu.utilization").isEmpty == expected)
        #expect(
            report.checklist.first { $0.command == "mpstat -P ALL 1" }?.findingRules.contains("host.cpu.utilization")
                == expected)
    }

    @Test("run queue: saturated only above CPUs × run-queue-per-cpu (Periscope's own task excluded)")
    func runQueue() {
        // runnable counts the reader itself: 3 - 1 = 2 tasks on 2 CPUs is not above 2.
        #expect(
            Synthetic.diagnose(Synthetic.window(host: Synthetic.host(runnable: 3))).findings("host.cpu.saturation")
                .isEmpty)
        let report = Synthetic.diagnose(Synthetic.window(host: Synthetic.host(runnable: 4)))
        #expect(report.findings("host.cpu.saturation").count == 1)
        #expect(report.checklist.first { $0.command == "vmstat 1" }?.findingRules == ["host.cpu.saturation"])
    }

    /// One container under `--cpus 0.3` spinning alone on an idle 2-CPU host: its throttled time
    /// shows as host PSI `cpu some` 69% with 82% of the CPUs idle (numbers of issue 11).
    @Test("host PSI from a capped container on an idle host is not host saturation; the cap finding carries it")
    func pressureWithIdleCPU() {
        var host = Synthetic.host(busy: 18, runnable: 1)
        host.cpuPressure = Synthetic.pressure(69)
        var capped = Synthetic.container("capped", usage: 0.3, cap: 0.3, throttledMilliseconds: 700, involuntary: 5)
        for index in capped.intervals.indices { capped.intervals[index].cpuPressure = Synthetic.pressure(69) }
        let report = Synthetic.diagnose(Synthetic.window(host: host, containers: [capped]))
        #expect(report.findings("host.cpu.saturation").isEmpty)
        let cap = report.findings("cpu.cap-throttled").first
        #expect(
            cap?.evidence.contains { $0.metric.hasPrefix("CPU pressure (PSI some") && abs($0.value - 69) < 0.01 }
                == true)
    }

    @Test(
        "host PSI is saturation when the host is short of CPU: idle just under the threshold, not at it",
        arguments: [(90.0, false), (90.01, true)])
    func pressureWithoutIdleCPU(busy: Double, expected: Bool) {
        var host = Synthetic.host(busy: busy, runnable: 1)
        host.cpuPressure = Synthetic.pressure(69)
        let findings = Synthetic.diagnose(Synthetic.window(host: host)).findings("host.cpu.saturation")
        #expect(findings.isEmpty == !expected)
        if expected { #expect(findings.first?.evidence.contains { $0.metric == "idle on the host's CPUs" } == true) }
    }

    @Test("a run queue over the CPU count is saturation whatever PSI says")
    func runQueueWithoutPressure() {
        var host = Synthetic.host(busy: 50, runnable: 6)
        host.cpuPressure = Synthetic.pressure(0)
        #expect(Synthetic.diagnose(Synthetic.window(host: host)).findings("host.cpu.saturation").count == 1)
    }

    @Test("one hot CPU while the average is under half of it: imbalance (info, exit 0)")
    func imbalance() {
        let report = Synthetic.diagnose(Synthetic.window(host: Synthetic.host(perCPUBusy: [95, 0, 0, 0])))
        #expect(report.findings("host.cpu.imbalance").first?.severity == .info)
        #expect(report.status == .healthy)
    }

    @Test("memory used at the threshold, swapping above it")
    func memory() {
        let full = Synthetic.host(memoryTotal: 100 << 20, memoryAvailable: 10 << 20)
        #expect(Synthetic.diagnose(Synthetic.window(host: full)).findings("host.memory.utilization").count == 1)
        let roomy = Synthetic.host(memoryTotal: 100 << 20, memoryAvailable: 11 << 20)
        #expect(Synthetic.diagnose(Synthetic.window(host: roomy)).findings("host.memory.utilization").isEmpty)
        var swapping = Synthetic.host()
        swapping.swappedOutPagesPerSecond = CounterRate(perSecond: 1)
        #expect(Synthetic.diagnose(Synthetic.window(host: swapping)).findings("host.memory.swapping").count == 1)
        swapping.swappedOutPagesPerSecond = CounterRate(perSecond: 0.99)
        #expect(Synthetic.diagnose(Synthetic.window(host: swapping)).findings("host.memory.swapping").isEmpty)
    }

    static func disk(iops: Double, latency: Double, queue: Double = 0.1, util: Double = 10) -> DiskRates {
        let stats = DiskStats(device: BlockDeviceNumber(major: 8, minor: 0), name: "sda")
        var rates = DiskRates(old: stats, new: stats, rates: RateCalculator(elapsedSeconds: 1)!)
        rates.writesPerSecond = iops
        rates.writeAwaitMilliseconds = latency
        rates.averageQueueSize = queue
        rates.utilizationPercent = util
        return rates
    }

    @Test(
        "blkio does not account the disk: its users are ranked by their processes' /proc/PID/io bytes, and the source is named"
    )
    func diskUsersFromProcessIO() {
        var host = Synthetic.host()
        var disk = Self.disk(iops: 200, latency: 5, util: 95)
        disk.writtenKilobytesPerSecond = 8192
        host.disks = [disk]
        var writer = Synthetic.container("writer")
        for index in writer.intervals.indices {
            writer.intervals[index].blockIO = []
            writer.intervals[index].processIO = ProcessIORates(
                unaccountedDevices: ["sda"], readBytesPerSecond: 0, writtenBytesPerSecond: 6 * 1_048_576, processes: 2)
        }
        let finding = Synthetic.diagnose(Synthetic.window(host: host, containers: [writer])).findings(
            "host.disk.utilization"
        ).first
        let user = finding?.blame.neighbours.first
        #expect(user?.name == "writer")
        #expect(user?.unit == "KiB/s" && abs((user?.amount ?? 0) - 6144) < 1e-6)
        #expect(abs((user?.sharePercent ?? 0) - 75) < 1e-6)
        #expect(user?.resource.contains("/proc/PID/io") == true)
        #expect(finding?.blame.neighbours.contains { $0.kind == "host" && abs($0.amount - 2048) < 1e-6 } == true)
    }

    @Test("disk saturation: aqu-sz above 1, not at 1")
    func diskQueue() {
        var host = Synthetic.host()
        host.disks = [Self.disk(iops: 100, latency: 5, queue: 1.0)]
        #expect(Synthetic.diagnose(Synthetic.window(host: host)).findings("host.disk.saturation").isEmpty)
        host.disks = [Self.disk(iops: 100, latency: 5, queue: 1.01)]
        let report = Synthetic.diagnose(Synthetic.window(host: host))
        #expect(report.findings("host.disk.saturation").first?.subject == "device sda")
        #expect(report.use.first { $0.resource == "disk sda" }?.findingRules == ["host.disk.saturation"])
    }

    @Test("await rising while IOPS fall to a floor: the throttled-volume signature of seed 001")
    func latencyCollapse() {
        func series(_ points: [(Double, Double)]) -> [HostRates] {
            points.map { iops, latency in
                var host = Synthetic.host()
                host.disks = [Self.disk(iops: iops, latency: latency)]
                return host
            }
        }
        let collapse = series([(3000, 1), (3000, 1), (1500, 30), (200, 60), (100, 80), (100, 80)])
        let report = Synthetic.diagnose(Synthetic.window(hostSeries: collapse))
        let finding = report.findings("storage.latency-collapse").first
        #expect(finding != nil)
        #expect(finding?.evidence.first { $0.metric == "IOPS" }?.first == 3000)
        #expect(finding?.evidence.first { $0.metric == "IOPS" }?.last == 100)
        // Fewer requests with latency flat is a quieter workload, not a throttle.
        let quieter = series([(3000, 1), (3000, 1), (1500, 1), (200, 1), (100, 1), (100, 1)])
        #expect(Synthetic.diagnose(Synthetic.window(hostSeries: quieter)).findings("storage.latency-collapse").isEmpty)
        // Falling by less than the threshold (50%) is not a collapse.
        let mild = series([(3000, 1), (3000, 1), (2000, 60), (2000, 80), (1600, 80), (1600, 80)])
        #expect(Synthetic.diagnose(Synthetic.window(hostSeries: mild)).findings("storage.latency-collapse").isEmpty)
    }

    @Test("TCP retransmits need both the share and the rate")
    func retransmits() {
        var counters = TCPCounters()
        counters.segmentsSent = 0
        var host = Synthetic.host()
        var tcp = TCPRates(old: counters, new: counters, rates: RateCalculator(elapsedSeconds: 1)!)
        tcp.segmentsRetransmittedPerSecond = CounterRate(perSecond: 2)
        tcp.retransmittedPercent = 1
        host.tcp = tcp
        #expect(Synthetic.diagnose(Synthetic.window(host: host)).findings("host.tcp.retransmits").count == 1)
        tcp.segmentsRetransmittedPerSecond = CounterRate(perSecond: 0.5)
        host.tcp = tcp
        #expect(Synthetic.diagnose(Synthetic.window(host: host)).findings("host.tcp.retransmits").isEmpty)
    }

    @Test("interface errors and utilisation against the link speed")
    func network() {
        var host = Synthetic.host()
        let stats = NetworkDeviceStats(interface: "eth0")
        var rates = NetworkRates(old: stats, new: stats, rates: RateCalculator(elapsedSeconds: 1)!)
        rates.receiveErrorsPerSecond = CounterRate(perSecond: 1)
        rates.receivedBytesPerSecond = CounterRate(perSecond: 100e6)
        host.networkDevices = [rates]
        var window = Synthetic.window(host: host)
        window.linkSpeedsMegabitsPerSecond = ["eth0": 1000]
        let report = Synthetic.diagnose(window)
        #expect(report.findings("host.network.errors").count == 1)
        #expect(report.findings("host.network.utilization").count == 1)
        window.linkSpeedsMegabitsPerSecond = ["eth0": 1001]
        #expect(Synthetic.diagnose(window).findings("host.network.utilization").isEmpty)
    }

    @Test("a healthy host has no finding, exit 0, and every checklist line measured")
    func healthy() {
        let report = Synthetic.diagnose(Synthetic.window(containers: [Synthetic.container("quiet")]))
        #expect(report.findings.isEmpty)
        #expect(report.status == .healthy)
        #expect(report.status.exitCode == 0)
        #expect(
            report.checklist.map(\.command) == [
                "uptime", "dmesg | tail", "vmstat 1", "mpstat -P ALL 1", "pidstat 1", "iostat -xz 1", "free -m",
                "sar -n DEV 1", "sar -n TCP,ETCP 1", "top"
            ])
    }

    @Test("no host samples: could not diagnose, exit 2")
    func undiagnosable() {
        let report = Synthetic.diagnose(Synthetic.window(hostSeries: []))
        #expect(report.status == .undiagnosable)
        #expect(report.status.exitCode == 2)
    }
}
