import Testing
import LinuxHost
@testable import ResourceMetrics

@Suite("Host rates (mpstat, iostat -x, sar -n)")
struct HostRatesTests {
    static let oneSecond = RateCalculator(elapsedSeconds: 1)!

    @Test func cpuSplitLikeMpstatExcludesGuestFromUser() {
        var old = CPUTimes(), new = CPUTimes()
        (new.userTicks, new.niceTicks, new.systemTicks, new.idleTicks, new.iowaitTicks) = (50, 10, 20, 10, 5)
        (new.irqTicks, new.softirqTicks, new.stealTicks, new.guestTicks) = (1, 2, 2, 10)
        old.guestTicks = 0
        let split = CPUUtilization(old: old, new: new)
        #expect(new.totalTicks == 100)
        #expect(split.userPercent == 40)
        #expect(split.guestPercent == 10)
        #expect(split.nicePercent == 10)
        #expect(split.systemPercent == 20)
        #expect(split.idlePercent == 10)
        #expect(split.iowaitPercent == 5)
        #expect(split.stealPercent == 2)
        #expect(split.busyPercent == 85)
        #expect(!split.wasReset)
    }

    @Test func aCPUThatDidNotTickIsIdle() {
        #expect(CPUUtilization(old: CPUTimes(), new: CPUTimes()).idlePercent == 100)
    }

    @Test func diskLikeIostatX() {
        var old = DiskStats(device: .init(major: 254, minor: 0), name: "vda")
        var new = old
        (
            old.readsCompleted, old.sectorsRead, old.readMilliseconds, old.busyMilliseconds,
            old.weightedBusyMilliseconds
        ) = (1000, 8000, 500, 10_000, 20_000)
        (
            new.readsCompleted, new.sectorsRead, new.readMilliseconds, new.busyMilliseconds,
            new.weightedBusyMilliseconds
        ) = (1100, 8800, 700, 10_250, 20_500)
        (new.writesCompleted, new.sectorsWritten, new.writeMilliseconds, new.writesMerged) = (50, 1000, 100, 50)
        new.inFlight = 2
        let rates = DiskRates(old: old, new: new, rates: Self.oneSecond)
        #expect(rates.readsPerSecond == 100)
        #expect(rates.readKilobytesPerSecond == 400)
        #expect(rates.readAwaitMilliseconds == 2)
        #expect(rates.readRequestKilobytes == 4)
        #expect(rates.writesPerSecond == 50)
        #expect(rates.writtenKilobytesPerSecond == 500)
        #expect(rates.writeAwaitMilliseconds == 2)
        #expect(rates.writeMergedPercent == 50)
        #expect(rates.averageQueueSize == 0.5)
        #expect(rates.utilizationPercent == 25)
        #expect(rates.inFlight == 2)
    }

    @Test func idleDiskHasZeroAwaitNotNaN() {
        let disk = DiskStats(device: .init(major: 8, minor: 0), name: "sda")
        let rates = DiskRates(old: disk, new: disk, rates: Self.oneSecond)
        #expect(rates.readAwaitMilliseconds == 0)
        #expect(rates.utilizationPercent == 0)
    }

    @Test func interfacesThatAppearOrVanish() {
        var lo = NetworkDeviceStats(interface: "lo"), veth = NetworkDeviceStats(interface: "veth1"),
            eth0 = NetworkDeviceStats(interface: "eth0")
        lo.receivedBytes = 100
        var newLo = lo
        newLo.receivedBytes = 300
        veth.transmittedBytes = 5
        eth0.receivedBytes = 7
        let result = NetworkRates.rates(old: [lo, veth], new: [newLo, eth0], rates: Self.oneSecond)
        #expect(result.interfaces.map(\.interface) == ["lo"])
        #expect(result.interfaces[0].receivedBytesPerSecond.perSecond == 200)
        #expect(result.appeared == ["eth0"])
        #expect(result.vanished == ["veth1"])
    }

    @Test func hostSamplesFromFixtureGiveRates() throws {
        let reader = HostCounterReader(procRoot: Fixtures.root + "/counters/host/proc")
        let sampler = HostSampler(reader: reader)
        var old = try sampler.sample()
        var new = try sampler.sample()
        old.takenAt = MonotonicInstant(nanoseconds: 0)
        new.takenAt = MonotonicInstant(nanoseconds: 1_000_000_000)
        // A counter that went backwards between the samples (a CPU hot-unplugged and back).
        old.counters.cpu.perCPU[1].userTicks += 1000
        let rates = try #require(HostRates(old: old, new: new))
        #expect(rates.cpuCount == 2)
        #expect(rates.cpu.idlePercent == 100)
        #expect(rates.perCPU[1]?.wasReset == true)
        #expect(rates.perCPU[0]?.wasReset == false)
        #expect(rates.disks.count == 10)
        #expect(rates.networkDevices.count == 6)
        #expect(rates.tcp?.retransmittedPercent == 0)
        #expect(rates.cpuPressure?.someStalledSecondsPerSecond.perSecond == 0)
        #expect(rates.loadAverage.runnableTasks == 2)
    }
}
