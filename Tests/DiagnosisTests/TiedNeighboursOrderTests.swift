import Diagnosis
import ResourceMetrics
import Testing

/// Containers and processes using exactly as much as each other are listed by name (then
/// pid), whatever order the window holds them in.
@Suite struct TiedNeighboursOrderTests {
    func report(containers names: [String], processes: [ProcessCPU]) -> DiagnosisReport {
        let containers = names.map { Synthetic.container($0, usage: 0.5) }
        return Synthetic.diagnose(
            Synthetic.window(host: Synthetic.host(busy: 95), containers: containers, hostProcesses: processes))
    }

    @Test func equalUsersComeOutInTheSameOrderWhateverTheInputOrder() {
        let processes = [
            ProcessCPU(pid: 30, comm: "b", cores: 0.2), ProcessCPU(pid: 20, comm: "a", cores: 0.2),
            ProcessCPU(pid: 10, comm: "a", cores: 0.2)
        ]
        let first = report(containers: ["gamma", "alpha", "beta"], processes: processes)
        let second = report(containers: ["beta", "gamma", "alpha"], processes: processes.reversed())
        let busiest = { (report: DiagnosisReport) in report.checklist.first { $0.command == "top" }?.summary }
        #expect(busiest(first)?.contains("busiest: alpha 0.50 cores, beta 0.50 cores, gamma 0.50 cores") == true)
        #expect(busiest(first) == busiest(second))
        let pidstat = { (report: DiagnosisReport) in report.checklist.first { $0.command == "pidstat 1" }?.summary }
        #expect(pidstat(first) == "a[10] 20% (host), a[20] 20% (host), b[30] 20% (host)")
        #expect(pidstat(first) == pidstat(second))
        let blame = { (report: DiagnosisReport) in
            report.findings("host.cpu.utilization").first?.blame.neighbours.map(\.name)
        }
        #expect(blame(first)?.prefix(3) == ["alpha", "beta", "gamma"])
        #expect(blame(first) == blame(second))
    }
}
