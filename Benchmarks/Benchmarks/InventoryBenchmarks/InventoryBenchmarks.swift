import Benchmark
import ContainerInventory
import LinuxHost

#if canImport(Glibc)
import Glibc
#endif

// Inventory scans of the live host: whatever processes and containers are running when the
// benchmark runs are what gets scanned, so the custom metrics record how many there were.
// `scripts/compare-inventory.sh --run CMD` runs CMD with a known load (1,000 extra
// processes, 20 containers) and compares the CLI with docker ps + inspect and with cat.
//
// Runtime APIs are never asked (`queryRuntimes = false`): the Docker API round trip is
// dockerd's time, not ours, and the comparison script measures it on its own.

/// Processes listed in /proc during the measured iteration.
private let processesScanned = BenchmarkMetric.custom(
    "processes scanned", polarity: .prefersLarger, useScalingFactor: false)
/// Containers the scan recognised (the host row not counted).
private let containersFound = BenchmarkMetric.custom(
    "containers found", polarity: .prefersLarger, useScalingFactor: false)
/// CPU time of one scan from CLOCK_PROCESS_CPUTIME_ID. `cpuTotal` comes from the tick
/// counters of /proc/self/stat (10 ms steps), too coarse for one scan of a few milliseconds.
private let scanCPUMicroseconds = BenchmarkMetric.custom("CPU per scan (μs)", useScalingFactor: false)
/// That CPU time divided by the processes listed: the number the 20 µs goal is about.
private let cpuNanosecondsPerProcess = BenchmarkMetric.custom("CPU per process (ns)", useScalingFactor: false)

private let scanMetrics: [BenchmarkMetric] = [
    .wallClock, .cpuTotal, .mallocCountTotal, .throughput,
    scanCPUMicroseconds, cpuNanosecondsPerProcess, processesScanned, containersFound
]

/// Nanoseconds of CPU this process (every thread) has used.
private func processCPUNanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}

/// Records the precise CPU metrics of one scan of `processCount` processes.
private func recordCPU(_ benchmark: Benchmark, since start: Int, processCount: Int) {
    let nanoseconds = processCPUNanoseconds() - start
    benchmark.measurement(scanCPUMicroseconds, nanoseconds / 1_000)
    benchmark.measurement(cpuNanosecondsPerProcess, nanoseconds / max(processCount, 1))
    benchmark.measurement(processesScanned, processCount)
}

/// One scan as `periscope ps` does it, minus the runtime API: a new scanner each time, so
/// its cgroup-path cache starts cold as it does in a one-shot command.
private func scanHost(_ benchmark: Benchmark, configure: (inout InventoryOptions) -> Void) throws {
    var options = InventoryOptions()
    options.queryRuntimes = false
    configure(&options)
    for _ in benchmark.scaledIterations {
        let start = processCPUNanoseconds()
        let snapshot = try InventoryScanner(options: options).scan()
        recordCPU(benchmark, since: start, processCount: snapshot.scannedProcessCount)
        benchmark.measurement(containersFound, snapshot.containers.count)
        blackHole(snapshot)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: scanMetrics,
        timeUnits: .microseconds,
        units: [
            .mallocCountTotal: .count, scanCPUMicroseconds: .count, cpuNanosecondsPerProcess: .count,
            processesScanned: .count, containersFound: .count
        ],
        warmupIterations: 3,
        scalingFactor: .one,
        maxDuration: .seconds(10),
        maxIterations: 200
    )

    // What `periscope ps --no-runtime` costs: stat + cgroup + ns/pid per process, then status,
    // every namespace link, cmdline and the UTS hostname (setns on a helper thread) per container.
    Benchmark("InventoryScan.containers") { benchmark in
        try scanHost(benchmark) { $0.resolveHostnames = true }
    }

    // The same without joining each container's UTS namespace for its hostname.
    Benchmark("InventoryScan.containers.noHostnames") { benchmark in
        try scanHost(benchmark) { $0.resolveHostnames = false }
    }

    // What `periscope ps --processes --no-runtime` costs: adds status and cmdline per process.
    Benchmark("InventoryScan.processes") { benchmark in
        try scanHost(benchmark) {
            $0.resolveHostnames = true
            $0.includeProcesses = true
        }
    }

    // The floor under a scan: the three reads per process with nothing built from them.
    // The difference to InventoryScan.containers.noHostnames is grouping, classification and
    // the per-container reads.
    Benchmark(
        "Procfs.statCgroupPidNamespace",
        configuration: .init(metrics: scanMetrics.filter { $0 != containersFound })
    ) { benchmark in
        let procfs = Procfs()
        for _ in benchmark.scaledIterations {
            let start = processCPUNanoseconds()
            let pids = try procfs.processIDs()
            var vanished = 0
            for pid in pids {
                let task = TaskID(pid: pid)
                do {
                    blackHole(try procfs.stat(task))
                    blackHole(try procfs.cgroups(task))
                    // As in the scanner, a refused ns link (even root may be refused PID 1's in
                    // a sandbox) costs the read but is not an error.
                    blackHole(try? procfs.namespaceInode(task, .pid))
                } catch let error as HostReadError where error.isVanished {
                    vanished += 1
                }
            }
            recordCPU(benchmark, since: start, processCount: pids.count)
            blackHole(vanished)
        }
    }
}
