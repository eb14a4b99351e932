import ContainerInventory
import Foundation
import Presentation
import Testing
@testable import ResourceMetrics
import TestSupport

/// The collector against this machine's real /proc and cgroups.
@Suite("top collector, live", .serialized)
struct TopCollectorLiveTests {
    @Test func theFirstCallPrimesAndTheSecondGivesAHostFrameWithOurOwnProcess() throws {
        let collector = TopCollector()
        #expect(try collector.collect() == nil)
        Thread.sleep(forTimeInterval: 0.3)
        let frame = try #require(try collector.collect())
        #expect(frame.intervalSeconds > 0.2 && frame.intervalSeconds < 5)
        #expect(frame.unixTimeSeconds > 1_600_000_000)
        let host = try #require(frame.rows.first)
        #expect(host.isHost)
        #expect(frame.host.cpuCount == ProcessInfo.processInfo.activeProcessorCount)
        #expect(frame.host.memoryTotalBytes > 0 && frame.host.memoryUsedBytes <= frame.host.memoryTotalBytes)
        let cores = try #require(host.cpuCores)
        #expect(cores >= 0 && cores <= Double(frame.host.cpuCount) + 0.01)
        #expect(frame.processes.contains { $0.hostPID == getpid() && $0.cpuPercent != nil })
    }

    /// An idle capped container: the sampler's CPU numbers under load are checked by the
    /// live counter tests, and a second busy loop here would starve theirs on two cores.
    @Test(.live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
    func aCappedContainerGetsANamedRowWithItsLimitsAndProcesses() throws {
        let name = TestEnvironment.uniqueName("top-capped")
        let container = try DockerContainer(
            name: name, options: ["--cpus", "0.5", "--memory", "64m"], command: ["sleep", "60"])
        defer { container.remove() }
        let collector = TopCollector()
        collector.detailedRowID = "docker:\(container.id)"
        _ = try collector.collect()
        Thread.sleep(forTimeInterval: 0.5)
        let frame = try #require(try collector.collect())
        let row = try #require(frame.rows.first { $0.id == "docker:\(container.id)" })
        #expect(row.name == name)
        let cores = try #require(row.cpuCores)
        #expect(cores >= 0 && cores < 0.1, "\(cores) cores for a sleeping container")
        let percentOfCap = try #require(row.cpuPercentOfCap, "a capped container has a % of cap")
        #expect(abs(percentOfCap - cores / 0.5 * 100) < 1)
        #expect(row.throttledPercentOfPeriods != nil, "a capped container has a throttling column")
        #expect(row.memoryLimitBytes == 64 * 1024 * 1024)
        #expect((row.pids ?? 0) >= 1)
        #expect(!row.sharesHostNetwork)
        #expect(row.networkReceivedBytesPerSecond != nil)
        let processes = frame.processes(of: row.id)
        #expect(processes.contains { $0.hostPID == container.initPID && $0.containerPID == 1 && $0.command == "sleep" })
        let text = TopRenderer().plainText(frame, state: TopViewState(filter: name))
        #expect(text.contains(name))
    }

    /// Between full scans the known containers are sampled; a removed one forces the next
    /// sample to scan, which also finds the ones started meanwhile. Without Docker's events
    /// (no runtime queries), so that only the removal can trigger the scan.
    @Test(.live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
    func aRemovedContainerForcesAScanThatFindsNewOnes() throws {
        let leaving = try DockerContainer(
            name: TestEnvironment.uniqueName("top-leaving"), options: [], command: ["sleep", "60"])
        defer { leaving.remove() }
        var options = InventoryOptions()
        options.queryRuntimes = false
        let collector = TopCollector(options: options)
        collector.inventoryInterval = 3600
        _ = try collector.collect()
        let arriving = try DockerContainer(
            name: TestEnvironment.uniqueName("top-arriving"), options: [], command: ["sleep", "60"])
        defer { arriving.remove() }
        func ids() throws -> Set<String> { Set(try #require(try collector.collect()).rows.map(\.id)) }
        let before = try ids()
        #expect(before.contains("docker:\(leaving.id)"))
        #expect(!before.contains("docker:\(arriving.id)"), "no scan yet: the list is the last scan's")
        leaving.remove()
        _ = try ids()  // its counters are gone: this sample asks for a scan
        let after = try ids()
        #expect(!after.contains("docker:\(leaving.id)"))
        #expect(after.contains("docker:\(arriving.id)"))
    }

    /// With Docker's events followed, a start or a stop triggers a scan at the next sample
    /// however far the periodic one is: the new container is listed at the first sample after
    /// its start, the stopped one is gone from the first sample after its stop.
    @Test(.live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
    func dockerEventsShowAStartAndAStopAtTheNextSample() throws {
        let collector = TopCollector()
        collector.inventoryInterval = 3600
        _ = try collector.collect()
        let deadline = Date().addingTimeInterval(10)
        while !collector.followsDockerEvents && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(collector.followsDockerEvents, "the event stream connects to a running daemon")
        let arriving = try DockerContainer(
            name: TestEnvironment.uniqueName("top-event-start"), options: [], command: ["sleep", "60"])
        defer { arriving.remove() }
        // The daemon sends the event as `docker run` returns; give it a moment to arrive.
        Thread.sleep(forTimeInterval: 0.5)
        func ids() throws -> Set<String> { Set(try #require(try collector.collect()).rows.map(\.id)) }
        #expect(try ids().contains("docker:\(arriving.id)"), "listed at the first sample after its start")
        arriving.remove()
        Thread.sleep(forTimeInterval: 0.5)
        #expect(!(try ids().contains("docker:\(arriving.id)")), "gone at the first sample after its stop")
    }
}
