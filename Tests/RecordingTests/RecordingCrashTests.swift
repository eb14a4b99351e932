import Foundation
import Testing
import TestSupport
@testable import Recording
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` of a writer at random moments: the recording opens cleanly every time and holds
/// every batch the writer reported as committed. The writer is the RecordingCrashWriter
/// executable of this package (appends numbered batches of 20 containers with 5 s blocks, so
/// packing and maintenance are often in flight when the kill lands).
@Suite struct RecordingCrashTests {
    static let writerBinary: String = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("RecordingCrashWriter").path,
            bundleDirectory.deletingLastPathComponent().appendingPathComponent("RecordingCrashWriter").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../.build/debug/RecordingCrashWriter"
            ).standardized.path
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    private func committedBatches(in output: String) -> [Int64] {
        (try? String(contentsOfFile: output, encoding: .utf8))?.split(separator: "\n").compactMap { line in
            line.hasPrefix("committed ") ? Int64(line.dropFirst(10)) : nil
        } ?? []
    }

    @Test(
        .installed(
            if: FileManager.default.isExecutableFile(atPath: RecordingCrashTests.writerBinary),
            "needs the RecordingCrashWriter executable: swift build --build-tests"))
    func killNineAtRandomMomentsLosesNoCommittedBatch() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("crash.db")
        var everCommitted: Set<Int64> = []
        let rounds = 25
        for round in 0..<rounds {
            let output = directory.file("writer-\(round).out")
            let pid = try ChildProcess.spawn(
                [Self.writerBinary, path, "20"], standardOutput: output,
                standardError: directory.file("writer-\(round).err"))
            // Up to 1.5 s: the first rounds kill during creation and migration, later ones mid-batch.
            usleep(UInt32.random(in: 20_000...1_500_000))
            kill(pid, SIGKILL)
            #expect(ChildProcess.wait(pid) == 128 + SIGKILL)
            everCommitted.formUnion(committedBatches(in: output))

            let store = try RecordingStore(path: path, mode: .readOnly)
            let stored = Set(try store.events(kinds: [.recorder]).map { $0.unixMilliseconds / 1000 })
            #expect(
                everCommitted.isSubset(of: stored),
                "round \(round): lost \(everCommitted.subtracting(stored).sorted().prefix(5))")
            for index in [0, 19] {
                let samples = try store.samples(
                    of: RecordedContainerKey(runtime: "docker", id: "crash\(index)"), from: 0, to: .max)
                let sampled = Set(samples.map { $0.unixMilliseconds / 1000 })
                #expect(everCommitted.isSubset(of: sampled), "round \(round) container \(index)")
                // Each stored sample holds what was written for its batch.
                #expect(samples.allSatisfy { $0.values[.cpuUsageMicroseconds] == $0.unixMilliseconds + Int64(index) })
            }
            // A batch is all or nothing: as many samples of the last container as events.
            #expect(
                Set(
                    try store.samples(of: RecordedContainerKey(runtime: "docker", id: "crash19"), from: 0, to: .max).map
                    { $0.unixMilliseconds / 1000 }) == stored)
        }
        #expect(everCommitted.count > rounds)
        // And the writer can go on after the last kill.
        let store = try RecordingStore(path: path)
        try store.flush()
        #expect(try store.statistics().pendingSamples == 0)
    }
}
