// A simulated day of recording: N synthetic containers (and the host) sampled every second
// for 24 h, appended batch by batch as `periscope record` does, then the file's size per
// container-sample, the append CPU per container-sample, and the time of a 24-hour query of
// one container's CPU. Usage: RecordingSimulation PATH [CONTAINERS [HOURS]]
import Foundation
import Recording

func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

func fileBytes(_ path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: RecordingSimulation PATH [CONTAINERS [HOURS]]\n".utf8))
    exit(2)
}
let path = arguments[1]
let containerCount = arguments.count > 2 ? Int(arguments[2]) ?? 100 : 100
let hours = arguments.count > 3 ? Double(arguments[3]) ?? 24 : 24
let seconds = Int(hours * 3600)
let start: Int64 = 1_764_000_000_000

/// The 24-hour query of one container's CPU (and of every metric), wall and CPU time.
func measureQueries(path: String, target: RecordedContainerKey, seconds: Int) throws {
    let reader = try RecordingStore(path: path, mode: .readOnly)
    var wall: [Double] = [], cpu: [Double] = []
    var points = 0
    for _ in 0..<7 {
        let wallStart = monotonicNanoseconds(), cpuStart = threadCPUNanoseconds()
        let series = try reader.samples(
            of: target, from: start, to: start + Int64(seconds) * 1000, metrics: [.cpuUsageMicroseconds])
        cpu.append(Double(threadCPUNanoseconds() - cpuStart) / 1e6)
        wall.append(Double(monotonicNanoseconds() - wallStart) / 1e6)
        points = series.count
    }
    let allStart = threadCPUNanoseconds()
    let everything = try reader.samples(of: target, from: start, to: start + Int64(seconds) * 1000)
    let allCPU = Double(threadCPUNanoseconds() - allStart) / 1e6
    print(
        String(
            format:
                "query of one container's CPU over %.1f h: %d points; wall first %.1f ms, median %.1f ms; CPU first %.1f ms, median %.1f ms; every metric: %d points, %.1f ms CPU",
            Double(seconds) / 3600, points, wall[0], wall.sorted()[3], cpu[0], cpu.sorted()[3], everything.count, allCPU
        ))
}

// HOURS 0: only the queries, on a recording an earlier run left (its last container, 24 h).
if hours == 0 {
    try measureQueries(path: path, target: SyntheticContainer(index: containerCount - 1).key, seconds: 86_400)
    exit(0)
}
for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }

let store = try RecordingStore(path: path)
var containers = (0..<containerCount).map(SyntheticContainer.init(index:))
var host = SyntheticContainer(index: 1_000_003)
var appendCPU: UInt64 = 0
var slowestAppend: UInt64 = 0
var generateCPU: UInt64 = 0
let wallStart = monotonicNanoseconds()
var descriptions = containers.enumerated().map { index, container in
    ContainerDescription(
        key: container.key, name: "synthetic-\(index)", image: "busybox:latest",
        startedAtUnixMilliseconds: start - 60_000)
}
for second in 0..<seconds {
    let generateStart = threadCPUNanoseconds()
    // One to 20 ms of jitter, as a sampling loop sees.
    let time = start + Int64(second) * 1000 + Int64(second % 7) * 3
    var batch = RecordingBatch(unixMilliseconds: time)
    batch.samples.reserveCapacity(containerCount + 1)
    batch.samples.append(RecordingBatch.Entry(container: .host, unixMilliseconds: time, values: host.step()))
    for index in containers.indices {
        batch.samples.append(
            RecordingBatch.Entry(
                container: containers[index].key, unixMilliseconds: time, values: containers[index].step()))
    }
    if second == 0 { batch.containers = descriptions; descriptions = [] }
    let appendStart = threadCPUNanoseconds()
    generateCPU += appendStart - generateStart
    try store.append(batch)
    let spent = threadCPUNanoseconds() - appendStart
    appendCPU += spent
    slowestAppend = max(slowestAppend, spent)
    if second % 3600 == 3599 {
        let elapsed = Double(monotonicNanoseconds() - wallStart) / 1e9
        FileHandle.standardError.write(
            Data(
                String(
                    format: "hour %d done, %.0f s elapsed, %.2f µs append CPU per container-sample\n",
                    second / 3600 + 1, elapsed, Double(appendCPU) / 1000 / Double((second + 1) * (containerCount + 1))
                ).utf8))
    }
}
let samples = Double(seconds * (containerCount + 1))
let statistics = try store.statistics()
try store.close()
let totalBytes = fileBytes(path) + fileBytes(path + "-wal")

print(String(format: "containers %d (+ host), %d s at 1 s: %.0f container-samples", containerCount, seconds, samples))
print(
    String(
        format: "file after close: %d bytes = %.1f bytes per container-sample (blocks alone %.1f; %lld blocks)",
        totalBytes, Double(totalBytes) / samples, Double(statistics.blockBytes) / samples, statistics.blocks))
print(
    String(
        format:
            "append CPU: %.2f µs per container-sample (%.1f ms per batch of %d; slowest batch %.1f ms); generating the samples took %.2f µs each",
        Double(appendCPU) / 1000 / samples, Double(appendCPU) / 1e6 / Double(seconds), containerCount + 1,
        Double(slowestAppend) / 1e6,
        Double(generateCPU) / 1000 / samples))
try measureQueries(path: path, target: containers[containerCount - 1].key, seconds: seconds)
