import Foundation
import Recording
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `periscope serve --bpf runqlat,biolatency` against real containers: a container starved of
/// CPU by a neighbour shows millisecond run-queue latencies in its Prometheus histogram while
/// an idle neighbour's stay in microseconds, the exposition passes promtool, the recording
/// keeps the histograms, and after SIGTERM none of the agent's programs is loaded or attached.
@Suite(.serialized) struct ServeLatencyHistogramsLiveTests {
    static let requirement =
        BPFTestEnvironment.dockerAvailable && BPFTestEnvironment.bpftool != nil
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")
    static let reason: Comment =
        "needs root, tracefs, Docker with the periscope-test image, bpftool and promtool: run scripts/test-setup.sh"

    /// Containers removed when the test ends, the CPU hog first (a container starved by it
    /// cannot even run its exit while the hog spins).
    final class Workload {
        var names: [String] = []

        /// Starts a container; its full id.
        func start(_ base: String, _ options: [String], command: String) throws -> (name: String, id: String) {
            let name = "periscope-it-17c-\(getpid())-\(base)"
            _ = try? BPFTestEnvironment.run(["docker", "rm", "-f", name])
            let result = try BPFTestEnvironment.run(
                ["docker", "run", "-d", "--name", name] + options + [BPFTestEnvironment.testImage, "sh", "-c", command])
            names.append(name)
            try #require(result.status == 0, "docker run \(name): \(result.standardError)")
            return (name, result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        deinit { for name in names { _ = try? BPFTestEnvironment.run(["docker", "rm", "-f", name]) } }
    }

    /// A run-queue histogram scraped from /metrics: cumulative bucket counts by `le`.
    struct ScrapedHistogram {
        var buckets: [(bound: Double, count: Double)] = []
        var count: Double = 0
        var sum: Double = 0

        init(_ text: String, family: String, name: String) {
            let marker = "name=\"\(name)\""
            for line in text.split(separator: "\n") where line.contains(marker) {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
                else { continue }
                if line.hasPrefix("\(family)_bucket{"), let range = line.range(of: "le=\"") {
                    let bound = line[range.upperBound...].prefix { $0 != "\"" }
                    buckets.append((bound == "+Inf" ? .infinity : Double(bound) ?? .nan, value))
                } else if line.hasPrefix("\(family)_count{") {
                    count = value
                } else if line.hasPrefix("\(family)_sum{") {
                    sum = value
                }
            }
        }

        /// The share of latencies of at least `seconds` (a bucket bound).
        func share(atLeast seconds: Double) -> Double {
            let below = buckets.last { $0.bound < seconds }?.count ?? 0
            return count > 0 ? (count - below) / count : 0
        }

        /// The smallest bound whose bucket holds half the latencies.
        var medianBound: Double { buckets.first { $0.count * 2 >= count }?.bound ?? .infinity }
    }

    @Test(.live(if: Self.requirement, Self.reason))
    func starvedContainerHistogramShowsMillisecondsAndSIGTERMDetachesEverything() throws {
        let workload = Workload()
        // Four busy loops with 100x the weight of the sleeper pinned to the same CPU.
        _ = try workload.start(
            "hog", ["--cpuset-cpus", "0", "--cpu-shares", "10240"],
            command: "for i in 1 2 3 4; do (while :; do :; done) & done; wait")
        let starved = try workload.start(
            "starved", ["--cpuset-cpus", "0", "--cpu-shares", "100"], command: "while :; do sleep 0.01; done")
        let idle = try workload.start(
            "idle", ["--cpuset-cpus", "1", "--cpu-shares", "10240"], command: "while :; do sleep 0.01; done")

        let port = try Self.freePort()
        let database = BPFTestEnvironment.scratchPath("serve.db")
        defer { for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) } }
        let captures = BPFTestEnvironment.scratchPath("captures")
        defer { _ = try? FileManager.default.removeItem(atPath: captures) }
        var metrics = ""
        // runqlat's 4 programs and biolatency's 3.
        let run = try SignalledRun.stop(
            [
                BPFTestEnvironment.periscopeBinary, "serve", "--listen", "127.0.0.1:\(port)", "--db", database,
                "--capture-dir", captures, "--interval", "1s", "--window", "2s", "--diagnose-every", "60s",
                "--bpf", "runqlat,biolatency"
            ], afterAttaching: 7, "serve --bpf did not attach runqlat's and biolatency's 7 programs", running: 0,
            with: SIGTERM
        ) { _ in
            // Six intervals of histograms, then a scrape.
            sleep(7)
            let scrape = try BPFTestEnvironment.run([
                "curl", "-sS", "--max-time", "20", "http://127.0.0.1:\(port)/metrics"
            ])
            try #require(scrape.status == 0, "curl: \(scrape.standardError)")
            metrics = scrape.standardOutput
        }
        #expect(run.status == 0, "SIGTERM ends serve cleanly: \(run.output.suffix(2000))")
        #expect(try LoadedPrograms.attachments(of: run.pid).isEmpty, "tracepoints still attached after SIGTERM")
        #expect(try !LoadedPrograms.anyLoaded(run.programs), "programs \(run.programs) still loaded after SIGTERM")

        let family = "periscope_runqueue_latency_seconds"
        #expect(metrics.contains("# TYPE \(family) histogram"), "\(metrics.suffix(3000))")
        let starvedHistogram = ScrapedHistogram(metrics, family: family, name: starved.name)
        let idleHistogram = ScrapedHistogram(metrics, family: family, name: idle.name)
        // The sleeper's wake-ups wait behind the hog: most of them a millisecond or more.
        #expect(starvedHistogram.count >= 5, "starved: \(starvedHistogram.buckets)")
        #expect(starvedHistogram.share(atLeast: 0.001024) >= 0.8, "starved: \(starvedHistogram.buckets)")
        #expect(starvedHistogram.sum >= 0.001 * starvedHistogram.count * 0.8)
        // The idle neighbour's median is in microseconds, 8 times (3 buckets) lower at least.
        #expect(idleHistogram.count >= 50, "idle: \(idleHistogram.buckets)")
        #expect(idleHistogram.medianBound < 0.001024, "idle: \(idleHistogram.buckets)")
        #expect(idleHistogram.medianBound * 8 <= starvedHistogram.medianBound)
        // Cumulative buckets: never decreasing with `le`, +Inf equal to _count.
        let counts = starvedHistogram.buckets.map(\.count)
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(starvedHistogram.buckets.last?.bound == .infinity && counts.last == starvedHistogram.count)

        let path = BPFTestEnvironment.scratchPath("metrics.txt")
        defer { unlink(path) }
        try metrics.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try BPFTestEnvironment.run(["sh", "-c", "promtool check metrics < \(path) 2>&1"])
        #expect(check.status == 0 && check.standardOutput.isEmpty, "promtool: \(check.standardOutput)")

        // The recording keeps the same cumulative slots: the starved container's last sample
        // has most of its wake-ups at 1024 µs or more (slots 11 and up).
        let store = try RecordingStore(path: database, mode: .readOnly)
        let samples = try store.samples(
            of: RecordedContainerKey(runtime: "docker", id: starved.id), from: 0, to: .max)
        let histogram = try #require(
            samples.last.flatMap { RecordedLatencyHistogram(.runQueue, in: $0.values) },
            "no run-queue histogram stored for \(starved.name)")
        let slow = histogram.slots[11...].reduce(0, +)
        #expect(Double(slow) >= 0.8 * Double(histogram.count), "stored slots \(histogram.slots)")
    }

    @Test(.live(if: DropToNobody.isPossible, DropToNobody.reason))
    func refusedHistogramsLeaveTheRestOfRecordRunning() throws {
        // As nobody: both histograms are refused with what is missing, and the recording
        // still happens.
        let database = BPFTestEnvironment.scratchPath("record.db")
        defer { for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) } }
        let result = try BPFTestEnvironment.run(
            DropToNobody.command([
                BPFTestEnvironment.periscopeBinary, "record", "--db", database, "--duration", "2s", "--no-runtime",
                "--diagnose-every", "0", "--bpf", "runqlat,biolatency"
            ]))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("--bpf runqlat is off: "), "\(result.standardError)")
        #expect(result.standardError.contains("--bpf biolatency is off: "), "\(result.standardError)")
        #expect(result.standardError.contains("CAP_BPF"), "\(result.standardError)")
        #expect(result.standardError.contains("record runs on without it"))
        let store = try RecordingStore(path: database, mode: .readOnly)
        #expect(try store.samples(of: .host, from: 0, to: .max).count >= 2, "the recording went on")
    }

    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
