import ContainerInventory
import Diagnosis
import Foundation
import History
import LinuxHost
import PeriscopeServer
import Recording
import ResourceMetrics

/// Samples and windows built by hand: the routes are tested on numbers chosen here, the live
/// tests check the same routes against a real recorder and real containers.
enum AgentFixtures {
    static let webKey = "docker:0123456789abcdef"

    /// A container sample whose counters are `cpuSeconds` of CPU, `throttledPeriods` of 100 periods, 64 MiB used of 128 MiB.
    static func web(cpuSeconds: Double, throttledPeriods: UInt64, dState: Double = 0) -> WindowSample.Container {
        var counters = CgroupCounters()
        counters.cpu = CgroupCPUUsage(
            usageNanoseconds: UInt64(cpuSeconds * 1e9), periods: 100, throttledPeriods: throttledPeriods,
            throttledNanoseconds: throttledPeriods * 50_000_000)
        counters.cpuLimits = CgroupCPULimits(quotaMicroseconds: 50_000, periodMicroseconds: 100_000, shares: 1024)
        var memory = CgroupMemoryCounters()
        memory.usageBytes = 64 << 20
        memory.limitBytes = 128 << 20
        memory.oomKillCount = 1
        counters.memory = memory
        counters.blockIO = [
            BlockIOCounters(device: BlockDeviceNumber(major: 254, minor: 0), readBytes: 4096, writtenBytes: 8192)
        ]
        let line = PressureStall.Line(
            average10sPercent: 48.7, average60sPercent: 0, average300sPercent: 0, totalMicroseconds: 2_500_000)
        counters.cpuPressure = PressureStall(some: line, full: line)
        var eth0 = NetworkDeviceStats(interface: "eth0")
        eth0.receivedBytes = 1000
        eth0.transmittedBytes = 2000
        return WindowSample.Container(
            key: webKey, displayName: "web", runtime: "docker", cgroupPath: "/docker/0123456789abcdef",
            processCount: 2, counters: counters, network: [eth0, NetworkDeviceStats(interface: "lo")],
            averageDStateThreads: dState)
    }

    static func sample(at seconds: Double, _ containers: [WindowSample.Container]) -> WindowSample {
        WindowSample(
            takenAt: MonotonicInstant(nanoseconds: UInt64(seconds * 1e9)), unixTimeSeconds: 1_767_000_000 + seconds,
            hostCPUCount: 2, containers: containers)
    }

    /// A recording in a temporary file holding `web`'s three seconds before the first call
    /// (0.5 CPU each, samples one second apart) and the host's CPU count: what the history and
    /// range diagnosis endpoints read. Made once per test process, deleted when it exits.
    static func recording() throws -> RecordingReader { try sharedRecording.get() }

    static let recordingPath = NSTemporaryDirectory() + "periscope-agent-fixture-\(getpid()).db"

    /// When the shared recording was written (its three samples end a second before): ranges
    /// in tests start from it, since a slow run can be minutes later.
    static let recordedAtMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)

    private static let sharedRecording = Result { () throws -> RecordingReader in
        atexit {
            for suffix in ["", "-wal", "-shm"] { unlink(AgentFixtures.recordingPath + suffix) }
        }
        let store = try RecordingStore(path: recordingPath)
        let now = recordedAtMilliseconds
        for step in 0..<3 {
            let time = now - Int64(3 - step) * 1000
            var web = RecordedValues()
            web.set(.cpuUsageMicroseconds, UInt64(1_000_000 + step * 500_000))
            web.set(.memoryUsageBytes, UInt64(64 << 20))
            web.set(.memoryWorkingSetBytes, UInt64(60 << 20))
            var host = RecordedValues()
            host.set(.hostCPUCount, UInt64(2))
            try store.append(
                RecordingBatch(
                    unixMilliseconds: time,
                    samples: [
                        .init(container: RecordedContainerKey(webKey), unixMilliseconds: time, values: web),
                        .init(container: .host, unixMilliseconds: time, values: host)
                    ],
                    containers: [
                        ContainerDescription(
                            key: RecordedContainerKey(webKey), name: "web", runtime: "docker",
                            image: "periscope-test:latest")
                    ]))
        }
        try store.flush()
        return RecordingReader(store: store)
    }

    static let metadata = [webKey: RuntimeMetadata(name: "web", image: "periscope-test:latest", source: .engineAPI)]

    /// A window in which `web` runs at its 0.5-CPU cap, throttled every interval.
    static func cappedWindow() -> ObservationWindow {
        var host = HostCounters(
            cpu: HostCPUStat(),
            loadAverage: LoadAverage(
                oneMinute: 0.5, fiveMinutes: 0.5, fifteenMinutes: 0.5, runnableTasks: 1, totalTasks: 100, lastPID: 1),
            memory: MemoryInfo(), virtualMemory: VirtualMemoryStat(), disks: [], networkDevices: [], tcp: nil,
            cpuPressure: nil, memoryPressure: nil, ioPressure: nil)
        host.memory.totalBytes = 8 << 30
        host.memory.availableBytes = 6 << 30
        var hostRates = HostRates(
            old: CounterSample(takenAt: MonotonicInstant(nanoseconds: 0), counters: host),
            new: CounterSample(takenAt: MonotonicInstant(nanoseconds: 1_000_000_000), counters: host))!
        var idle = CPUUtilization()
        idle.userPercent = 30
        idle.idlePercent = 70
        hostRates.cpuCount = 2
        hostRates.cpu = idle
        hostRates.perCPU = [0: idle, 1: idle]
        var rates = CgroupRates(
            old: CounterSample(takenAt: MonotonicInstant(nanoseconds: 0), counters: CgroupCounters()),
            new: CounterSample(takenAt: MonotonicInstant(nanoseconds: 1_000_000_000), counters: CgroupCounters()),
            hostCPUCount: 2)!
        rates.cpu.usageCores = CounterRate(perSecond: 0.5)
        rates.cpu.capCores = 0.5
        rates.cpu.throttledSecondsPerSecond = CounterRate(perSecond: 0.4)
        rates.cpu.throttledPercentOfPeriods = 100
        let web = ObservedContainer(
            key: ContainerKey(text: webKey)!, displayName: "web", intervals: Array(repeating: rates, count: 6),
            contextSwitches: Array(
                repeating: ContextSwitchRates(voluntaryPerSecond: 10, involuntaryPerSecond: 80, tasks: 1), count: 6))
        return ObservationWindow(
            viewpoint: .host, hostname: "test", durationSeconds: 6, intervalSeconds: 1,
            host: Array(repeating: hostRates, count: 6), containers: [web], dStateSweeps: 60)
    }
}
