import Diagnosis
import LinuxHost
import Presentation
import ResourceMetrics
import Testing

/// `periscope inside`'s comparison of real limits and the tools' claims.
@Suite struct GuestReportTests {
    @Test("quota and cpuset bound the CPUs; claims above them and a memory limit below MemTotal are called out")
    func limitsAgainstClaims() {
        let resources = GuestResources(
            containerSigns: ["/.dockerenv exists"], cpuQuotaCores: 1.5, cpusetCPUs: [0, 1, 2, 3],
            memoryLimitBytes: 256 << 20,
            pidsLimit: 100, pidsCurrent: 3, affinityCPUs: 4, cpuinfoProcessors: 8, onlineCPUs: 8,
            meminfoTotalBytes: 16 << 30,
            kernelPIDMax: 4_194_304,
            loadAverage: LoadAverage(
                oneMinute: 5.08, fiveMinutes: 3.69, fifteenMinutes: 2.22, runnableTasks: 1, totalTasks: 10, lastPID: 1),
            networkInterfaces: ["lo", "eth0"])
        let report = GuestReport(resources)
        #expect(report.insideContainer)
        let cpus = report.comparisons.first { $0.resource == "CPUs" }
        #expect(cpus?.realValue == 1.5)
        #expect(cpus?.claims.first { $0.tool == "/proc/cpuinfo" }?.text == "8")
        #expect(cpus?.claims.first { $0.tool == "/proc/cpuinfo" }?.value == 8)
        #expect(cpus?.consequence?.contains("start 8 workers for 1.50 CPUs") == true)
        #expect(report.comparisons.first { $0.resource == "memory" }?.realValue == 268_435_456)
        #expect(report.comparisons.first { $0.resource == "PIDs" }?.realValue == 100)
        #expect(report.metrics.first { $0.source.hasPrefix("/proc/loadavg") }?.explanation.contains("5.08") == true)
        let text = GuestTextRenderer.render(report)
        #expect(text.contains("real: 1.50 CPUs (CFS quota 1.50 CPUs, cpuset 0-3 (4 CPUs))"))
        #expect(text.contains("HOST-WIDE /proc/meminfo"))
    }

    @Test("a cpuset smaller than the quota is the real bound; no limits means no consequences")
    func cpusetBound() {
        let pinned = GuestResources(
            cpuQuotaCores: 4, cpusetCPUs: [2], affinityCPUs: 1, cpuinfoProcessors: 2, onlineCPUs: 2,
            meminfoTotalBytes: 1 << 30)
        #expect(pinned.effectiveCPUs == 1)
        let unlimited = GuestReport(
            GuestResources(affinityCPUs: 2, cpuinfoProcessors: 2, onlineCPUs: 2, meminfoTotalBytes: 1 << 30))
        #expect(!unlimited.insideContainer)
        #expect(unlimited.comparisons.allSatisfy { $0.consequence == nil })
    }

    @Test("from inside a container, host findings say they are host-wide and neighbours are the invisible rest")
    func guestDiagnosis() {
        var window = Synthetic.window(
            host: Synthetic.host(busy: 100),
            containers: [Synthetic.container("this container", usage: 0.5, involuntary: 200)])
        window.viewpoint = .guest
        let report = Synthetic.diagnose(window)
        #expect(report.findings("host.cpu.utilization").first?.subject == "host CPU (host-wide: neighbours included)")
        let share = report.findings("cpu.share-throttled").first
        #expect(share?.blame.neighbours.first?.name == "other tenants of the host (invisible from inside)")
        #expect(abs((share?.blame.neighbours.first?.amount ?? 0) - 1.5) < 0.001)
    }
}
