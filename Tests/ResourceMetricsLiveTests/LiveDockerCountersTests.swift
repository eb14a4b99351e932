import Foundation
import Testing
import LinuxHost
@testable import ResourceMetrics
import TestSupport

/// Against a real container on this host's real cgroups (v1 here, with runc's cgroup2
/// directory for PSI).
@Suite("Live Docker counters", .serialized, .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
struct LiveDockerCountersTests {
    @Test func aBusyLoopCappedAtHalfACPU() throws {
        let container = try DockerContainer(
            name: TestEnvironment.uniqueName("busy"), options: ["--cpus", "0.5", "--memory", "64m"],
            command: ["sh", "-c", "while :; do :; done"])
        defer { container.remove() }
        let layout = try CgroupLayout.read()
        let cgroups = try Procfs().cgroups(TaskID(pid: container.initPID))
        let files = CgroupCounterFiles(CgroupDirectories(layout: layout, cgroups: cgroups))
        #expect(files.directories.cpu?.path.contains(container.id) == true)

        let sampler = CgroupSampler()
        // Let the loop start and use its first period's quota before measuring.
        Thread.sleep(forTimeInterval: 0.3)
        _ = try sampler.rates(files, hostCPUCount: 2)
        Thread.sleep(forTimeInterval: 1)
        let (sample, maybeRates) = try sampler.rates(files, hostCPUCount: ProcessInfo.processInfo.activeProcessorCount)
        let rates = try #require(maybeRates)

        #expect(sample.counters.cpuLimits?.capCores == 0.5)
        #expect(sample.counters.cpuLimits?.quotaMicroseconds == 50_000)
        #expect(sample.counters.cpuLimits?.periodMicroseconds == 100_000)
        #expect(sample.counters.memory?.limitBytes == 64 * 1024 * 1024)
        #expect(rates.memory.workingSetPercentOfLimit != nil)
        let cores = try #require(rates.cpu.usageCores)
        // The cap must hold; how much of it the loop gets depends on what else the 2 CPUs run
        // (the test suite runs in parallel), so throttling is asserted only when it got near the cap.
        #expect(cores.perSecond > 0.02 && cores.perSecond < 0.6, "usage \(cores.perSecond) cores with a 0.5 cap")
        #expect(!cores.wasReset)
        #expect((rates.cpu.periodsPerSecond?.perSecond ?? 0) > 1)
        if cores.perSecond > 0.4 {
            #expect((rates.cpu.throttledPercentOfPeriods ?? 0) > 0)
            #expect((rates.cpu.throttledSecondsPerSecond?.perSecond ?? 0) > 0)
        }
        #expect(rates.pids?.current ?? 0 >= 1)
        #expect(rates.cpuPressure != nil, "runc's cgroup2 directory gives per-container PSI")

        // The container's own network namespace, read through its init.
        let interfaces = try HostCounterReader().networkDevices(pid: container.initPID)
        #expect(interfaces.contains { $0.interface == "eth0" })
    }

    @Test func aRemovedContainerThrowsAndClosesItsDescriptors() throws {
        let container = try DockerContainer(
            name: TestEnvironment.uniqueName("gone"), options: ["--memory", "32m"], command: ["sleep", "600"])
        let layout = try CgroupLayout.read()
        let files = CgroupCounterFiles(
            CgroupDirectories(layout: layout, cgroups: try Procfs().cgroups(TaskID(pid: container.initPID))))
        let sampler = CgroupSampler()
        _ = try sampler.sample(files)
        let open = sampler.reader.cache.openDescriptorCount
        #expect(open > 10)
        container.remove()
        #expect { try sampler.sample(files) } throws: { error in (error as? HostReadError)?.isCgroupRemoved == true }
        #expect(sampler.reader.cache.openDescriptorCount == 0)
    }
}
