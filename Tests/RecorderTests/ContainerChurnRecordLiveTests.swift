import Foundation
import Recording
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Short-lived containers started and removed while recording (a bounded loop; the count
/// comes from PERISCOPE_CHURN_COUNT, 30 by default, 2,000 for the measurement in
/// docs/performance.md): every one is in the history with its lifetime, and the recorder's
/// resident memory and open descriptors stay flat.
@Suite(
    "periscope record under container churn", .serialized,
    .live(if: LiveRecording.dockerAvailable, LiveRecording.dockerReason))
struct ContainerChurnRecordLiveTests {
    static let count = Int(ProcessInfo.processInfo.environment["PERISCOPE_CHURN_COUNT"] ?? "") ?? 30

    /// Descriptors still open on a cgroup of one of `ours` (all removed) or on the net files of
    /// a process that exited.
    private static func leakedDescriptors(_ pid: pid_t, ours: Set<String>) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return entries.compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")
        }.filter { target in
            if let range = target.range(of: "/docker/") {
                return ours.contains(String(target[range.upperBound...].prefix { $0 != "/" }))
            }
            let parts = target.split(separator: "/")
            if parts.count >= 3, parts[0] == "proc", parts[2] == "net", let owner = Int32(parts[1]) {
                return !FileManager.default.fileExists(atPath: "/proc/\(owner)")
            }
            return false
        }
    }

    @Test("every short-lived container appears with its lifetime; RSS and descriptors stay flat")
    func churn() throws {
        let directory = try LiveRecording.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let prefix = LiveRecording.uniqueName("churn")
        let recorder = try RecorderProcess(
            databasePath: directory + "/rec.db", arguments: ["--interval", "1s", "--json", "--diagnose-every", "0"])
        #expect(recorder.waitForSamples(2, timeoutSeconds: 30))
        var started: [(name: String, id: String)] = []
        var removedCount = 0
        defer {
            for entry in started[removedCount...] { _ = try? LiveRecording.run(["docker", "rm", "-f", entry.name]) }
        }
        // Warm-up: the first containers allocate what the recorder keeps (caches, buffers).
        let warmUp = min(10, Self.count / 3)
        var baseline: (rss: Int, fds: Int)?
        var peak = (rss: 0, fds: 0)
        let startedAt = Int64(Date().timeIntervalSince1970 * 1000)
        for index in 0..<Self.count {
            let name = "\(prefix)-\(index)"
            // Lives about 0.3 s: most vanish between two samples, so only Docker's events see them.
            started.append(
                (
                    name,
                    try LiveRecording.check([
                        "docker", "run", "-d", "--name", name, LiveRecording.testImage, "sleep", "0.3"
                    ])
                ))
            if index % 3 == 2 {
                // Removed in small groups, as a CI runner or a batch scheduler does.
                for entry in started[removedCount..<(started.count - 1)] {
                    _ = try? LiveRecording.run(["docker", "rm", "-f", entry.name])
                }
                removedCount = started.count - 1
            }
            if index == warmUp { baseline = (recorder.residentKilobytes ?? 0, recorder.openDescriptors ?? 0) }
            if index > warmUp {
                peak = (max(peak.rss, recorder.residentKilobytes ?? 0), max(peak.fds, recorder.openDescriptors ?? 0))
            }
        }
        for entry in started[removedCount...] { _ = try? LiveRecording.run(["docker", "rm", "-f", entry.name]) }
        removedCount = started.count
        sleep(3)
        let end = (rss: recorder.residentKilobytes ?? 0, fds: recorder.openDescriptors ?? 0)
        let leaked = Self.leakedDescriptors(recorder.pid, ours: Set(started.map(\.id)))
        #expect(recorder.stop(signal: SIGTERM) == 0)
        let stopped = Int64(Date().timeIntervalSince1970 * 1000)
        let base = try #require(baseline)
        print(
            "churn \(Self.count) containers: RSS \(base.rss) KiB after \(warmUp) → peak \(peak.rss) KiB, end \(end.rss) KiB; descriptors \(base.fds) → peak \(peak.fds), end \(end.fds)"
        )
        // Flat: no descriptor left on a container of ours or a process that exited (the total
        // also follows other sessions' containers on this shared machine), memory within a few
        // MiB whatever the count.
        #expect(
            leaked.isEmpty, "descriptors \(base.fds) → \(end.fds), still open for vanished ones: \(leaked.prefix(5))")
        #expect(end.rss <= base.rss + 8 * 1024, "RSS \(base.rss) KiB → \(end.rss) KiB")

        let store = try RecordingStore(path: recorder.databasePath, mode: .readOnly)
        let recorded = try store.containers(from: startedAt - 1000, to: stopped)
        let byKey = Dictionary(recorded.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var missing: [String] = []
        for entry in started {
            guard let container = byKey[RecordedContainerKey(runtime: "docker", id: entry.id)],
                let start = container.startedAtUnixMilliseconds, let stop = container.stoppedAtUnixMilliseconds,
                stop >= start,
                container.name == entry.name
            else { missing.append(entry.name); continue }
        }
        #expect(
            missing.isEmpty, "\(missing.count) of \(started.count) without a name, start and stop: \(missing.prefix(5))"
        )
    }
}
