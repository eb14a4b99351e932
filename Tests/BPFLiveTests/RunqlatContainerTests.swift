import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// runqlat against real containers: a container starved of CPU by a neighbour shows
/// millisecond run-queue latencies under its own name, an idle neighbour microseconds.
@Suite(.serialized) struct RunqlatContainerTests {
    struct Report: Decodable {
        struct Interval: Decodable { var histograms: [Histogram] }
        struct Histogram: Decodable {
            struct Bucket: Decodable {
                var low: UInt64
                var count: UInt64
            }

            var container: String?
            var disk: String?
            var total: UInt64
            var buckets: [Bucket]

            /// The lower bound of the bucket holding the median latency.
            var medianLow: UInt64 {
                var seen: UInt64 = 0
                for bucket in buckets {
                    seen += bucket.count
                    if seen * 2 >= total { return bucket.low }
                }
                return 0
            }

            func share(atLeast low: UInt64) -> Double {
                Double(buckets.filter { $0.low >= low }.map(\.count).reduce(0, +)) / Double(max(total, 1))
            }
        }

        var unit: String
        var intervals: [Interval]
    }

    /// Containers removed when the test ends, the CPU hog first: a container starved by it
    /// cannot even run its exit while the hog spins.
    final class Workload {
        var names: [String] = []

        func start(_ base: String, _ options: [String], command: String) throws -> String {
            let name = BPFTestEnvironment.uniqueContainerName(base)
            _ = try? BPFTestEnvironment.run(["docker", "rm", "-f", name])
            let result = try BPFTestEnvironment.run(
                ["docker", "run", "-d", "--name", name] + options + [BPFTestEnvironment.testImage, "sh", "-c", command])
            names.append(name)
            guard result.status == 0 else {
                throw CocoaError(
                    .executableLoad,
                    userInfo: [NSLocalizedDescriptionKey: "docker run \(name): \(result.standardError)"])
            }
            return name
        }

        deinit { for name in names { _ = try? BPFTestEnvironment.run(["docker", "rm", "-f", name]) } }
    }

    @Test(.enabled(if: BPFTestEnvironment.canRunDocker, BPFTestEnvironment.dockerReason))
    func starvedContainerShowsMillisecondsIdleNeighbourMicroseconds() throws {
        let workload = Workload()
        // Four busy loops with 100x the weight of the sleeper pinned to the same CPU.
        let hog = try workload.start(
            "hog", ["--cpuset-cpus", "0", "--cpu-shares", "10240"],
            command: "for i in 1 2 3 4; do (while :; do :; done) & done; wait")
        let starved = try workload.start(
            "starved", ["--cpuset-cpus", "0", "--cpu-shares", "100"], command: "while :; do sleep 0.01; done")
        let idle = try workload.start(
            "idle", ["--cpuset-cpus", "1", "--cpu-shares", "10240"], command: "while :; do sleep 0.01; done")

        let result = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "runqlat", "--per-container", "-d", "6", "--json"
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
        #expect(report.unit == "usecs")
        let histograms = try #require(report.intervals.first).histograms
        let starvedHistogram = try #require(histograms.first { $0.container == starved }, "no histogram for \(starved)")
        let idleHistogram = try #require(histograms.first { $0.container == idle }, "no histogram for \(idle)")
        #expect(histograms.contains { $0.container == hog })
        // The sleeper's wake-ups wait behind the hog: most of them milliseconds or more.
        #expect(starvedHistogram.total >= 5)
        #expect(starvedHistogram.share(atLeast: 1024) >= 0.8, "starved: \(starvedHistogram.buckets)")
        // The idle neighbour's median is in microseconds, 8 times (3 slots) lower at least.
        #expect(idleHistogram.total >= 50)
        #expect(idleHistogram.medianLow < 1024, "idle: \(idleHistogram.buckets)")
        #expect(
            idleHistogram.medianLow * 8 <= starvedHistogram.medianLow,
            "idle \(idleHistogram.buckets), starved \(starvedHistogram.buckets)")

        // --container keeps that container only, in milliseconds with -m.
        let only = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "runqlat", "--container", starved, "-m", "-d", "3", "--json"
        ])
        #expect(only.status == 0, "\(only.standardError)")
        let onlyReport = try JSONDecoder().decode(Report.self, from: Data(only.standardOutput.utf8))
        #expect(onlyReport.unit == "msecs")
        #expect(onlyReport.intervals.first?.histograms.map(\.container) == [starved])
        #expect(onlyReport.intervals.first.map { $0.histograms[0].share(atLeast: 1) >= 0.8 } ?? false)
    }

    @Test(.enabled(if: BPFTestEnvironment.canRunBPF, BPFTestEnvironment.bpfReason))
    func textOutputHasBccShapeAndIntervals() throws {
        let result = try BPFTestEnvironment.run([BPFTestEnvironment.periscopeBinary, "runqlat", "0.5", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Tracing run queue latency... Hit Ctrl-C to end.")
        #expect(lines.filter { $0 == "     usecs               : count     distribution" }.count == 2)
        #expect(lines.contains { $0.hasPrefix("         0 -> 1          : ") })
    }

    @Test func badArgumentsAreRefused() throws {
        for arguments in [["--per-container", "--container", "x"], ["0"], ["1", "0"], ["-d", "-1"]] {
            let result = try BPFTestEnvironment.run([BPFTestEnvironment.periscopeBinary, "runqlat"] + arguments)
            #expect(result.status != 0, "runqlat \(arguments) was accepted")
            #expect(!result.standardError.isEmpty)
        }
    }
}
