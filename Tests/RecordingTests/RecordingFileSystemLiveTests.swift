import Foundation
import Testing
import TestSupport
@testable import Recording
#if canImport(Glibc)
import Glibc
#endif

private let isRoot = geteuid() == 0
private let rootReason: Comment = "mounts a small tmpfs (needs root: run the tests as root)"

/// A tmpfs of `sizeKiB` mounted on a fresh directory by `mount(8)`; `unmount()` removes it.
private final class TemporaryMount {
    let path: String

    init(sizeKiB: Int) throws {
        path = NSTemporaryDirectory() + "periscope-recording-mount-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run(["mount", "-t", "tmpfs", "-o", "size=\(sizeKiB)k,mode=0755", "tmpfs", path])
    }

    func remountReadOnly() throws { try Self.run(["mount", "-o", "remount,ro", path]) }

    static func run(_ arguments: [String]) throws {
        let pid = try ChildProcess.spawn(arguments)
        let status = ChildProcess.wait(pid)
        guard status == 0 else { throw CommandFailed(command: arguments, status: status) }
    }

    struct CommandFailed: Error { var command: [String]; var status: Int32 }

    /// Unmounts; lazily when something still holds a file open, so nothing stays mounted.
    /// Tests call it in a `defer`: Swift may end an object's lifetime after its last use,
    /// so a deinit could unmount while the store still writes.
    func unmount() {
        if (try? Self.run(["umount", path])) == nil { try? Self.run(["umount", "-l", path]) }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Full and read-only file systems, on real mounts.
@Suite(.serialized) struct RecordingFileSystemLiveTests {
    private func batch(_ second: Int64, containers: Int) -> RecordingBatch {
        let time = 1_764_000_000_000 + second * 1000
        var generator = SystemRandomNumberGenerator()
        return RecordingBatch(
            unixMilliseconds: time,
            samples: (0..<containers).map { index in
                // Random values so blocks do not compress and the disk fills within the test.
                RecordingBatch.Entry(
                    container: RecordedContainerKey(runtime: "docker", id: "full\(index)"), unixMilliseconds: time,
                    values: RecordedValues([
                        (.cpuUsageMicroseconds, Int64.random(in: 0...Int64.max, using: &generator)),
                        (.memoryUsageBytes, Int64.random(in: 0...Int64.max, using: &generator)),
                        (.networkReceivedBytes, Int64.random(in: 0...Int64.max, using: &generator))
                    ]))
            },
            events: [
                RecordedEvent(unixMilliseconds: time, kind: .recorder, message: String(repeating: "x", count: 200))
            ])
    }

    @Test(.live(if: isRoot, rootReason)) func fullFileSystemStopsWithAClearErrorAndKeepsCommittedBatches() throws {
        let mount = try TemporaryMount(sizeKiB: 1024)
        defer { mount.unmount() }
        let path = mount.path + "/r.db"
        var committed: Int64 = -1
        var failure: RecordingError?
        do {
            let store = try RecordingStore(path: path)
            for second in Int64(0)..<100_000 {
                do {
                    try store.append(batch(second, containers: 50))
                    committed = second
                } catch {
                    failure = error
                    break
                }
            }
            // The store refuses further writes the same way and stays readable.
            if failure != nil {
                #expect(throws: RecordingError.fileSystemFull(path: path)) {
                    try store.append(batch(committed + 1, containers: 50))
                }
            }
        }
        #expect(failure == .fileSystemFull(path: path))
        #expect(failure?.description.contains("full") == true)
        #expect(committed > 10)
        // Reopened read-only (the log may still hold the last batches): every committed batch is there.
        let reader = try RecordingStore(path: path, mode: .readOnly)
        let samples = try reader.samples(of: RecordedContainerKey(runtime: "docker", id: "full0"), from: 0, to: .max)
        #expect(samples.count == Int(committed) + 1)
        #expect(try reader.events(kinds: [.recorder]).count == Int(committed) + 1)
    }

    @Test(.live(if: isRoot, rootReason)) func readOnlyFileSystemIsRefusedForWritingAndReadForReading() throws {
        let mount = try TemporaryMount(sizeKiB: 16_384)
        defer { mount.unmount() }
        let path = mount.path + "/r.db"
        do {
            let store = try RecordingStore(path: path)
            for second in Int64(0)..<90 { try store.append(batch(second, containers: 3)) }
            try store.close()
        }
        let logBytes = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0
        #expect(logBytes == 0)
        try mount.remountReadOnly()
        let error = #expect(throws: RecordingError.self) { try RecordingStore(path: path) }
        #expect(error?.description.contains("read-only file system") == true)
        #expect(throws: RecordingError.self) { try RecordingStore(path: mount.path + "/other.db") }
        let reader = try RecordingStore(path: path, mode: .readOnly)
        #expect(
            try reader.samples(of: RecordedContainerKey(runtime: "docker", id: "full1"), from: 0, to: .max).count == 90)
    }

    @Test(.live(if: isRoot, rootReason)) func readOnlyFileSystemWithTheLogOfAKilledWriterIsRead() throws {
        let mount = try TemporaryMount(sizeKiB: 8192)
        defer { mount.unmount() }
        let path = mount.path + "/r.db"
        let store = try RecordingStore(path: path)
        for second in Int64(0)..<30 { try store.append(batch(second, containers: 3)) }
        // No close: the batches are in the log only, as after kill -9. Remounting read-only
        // while the store is open is refused (busy), so the log is copied aside first.
        let copy = try TemporaryMount(sizeKiB: 8192)
        defer { copy.unmount() }
        for suffix in ["", "-wal", "-shm"] {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy.path + "/r.db" + suffix)
        }
        try copy.remountReadOnly()
        let reader = try RecordingStore(path: copy.path + "/r.db", mode: .readOnly)
        #expect(
            try reader.samples(of: RecordedContainerKey(runtime: "docker", id: "full2"), from: 0, to: .max).count == 30)
        _ = store
    }
}
