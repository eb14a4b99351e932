import Captures
import Foundation
import KernelTrace
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Real captures of a real container: perf sampling, a tracefs instance, a diagnosis window.
/// Each checks the kernel is left as it was: no perf event descriptor open in this process,
/// no tracefs instance of this process, on success and when the agent stops mid-capture.
@Suite(.serialized, .live(if: LiveCaptureEnvironment.isAvailable, LiveCaptureEnvironment.reason))
struct CaptureLiveTests {
    @Test func aProfileOfAContainerIsAFlameGraphOfItsProcesses() throws {
        let container = try BusyContainer("profile")
        defer { container.remove() }
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = try LiveCaptureEnvironment.manager(root: root)
        let started = try manager.start(container: container.name, kind: .profile, durationSeconds: 2, format: .svg)
        #expect(manager.waitUntilIdle(timeoutSeconds: 60))
        let record = try #require(manager.capture(id: started.id.text))
        #expect(record.state == .succeeded, "\(record.error ?? "")")
        let file = try #require(manager.resultFile(id: started.id.text))
        let svg = try String(contentsOfFile: file.path, encoding: .utf8)
        #expect(svg.contains("<svg"))
        // The root frame is the container, the next its busy shell.
        #expect(svg.contains(container.name))
        #expect(svg.contains(">sh"))
        #expect(record.sizeBytes == UInt64(svg.utf8.count))
        #expect(LiveCaptureEnvironment.openPerfEventDescriptors() == 0)
    }

    @Test func aTraceSnapshotIsATarballOfATraceDirectoryOfTheContainer() throws {
        let container = try BusyContainer("trace")
        defer { container.remove() }
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = try LiveCaptureEnvironment.manager(root: root)
        let started = try manager.start(container: container.name, kind: .trace, durationSeconds: 2)
        #expect(manager.waitUntilIdle(timeoutSeconds: 60))
        let record = try #require(manager.capture(id: started.id.text))
        #expect(record.state == .succeeded, "\(record.error ?? "")")
        #expect(!LiveCaptureEnvironment.ownTracefsInstanceExists())
        let file = try #require(manager.resultFile(id: started.id.text))
        let extracted = "\(root)/extracted"
        try FileManager.default.createDirectory(atPath: extracted, withIntermediateDirectories: true)
        #expect(try LiveCaptureEnvironment.run(["tar", "-xf", file.path, "-C", extracted]) == 0)
        let directory = "\(extracted)/trace-\(started.id.text)"
        let reader = try PeriscopeTraceReader(directory: directory)
        #expect(reader.metadata.containerFilter.map(\.name) == [container.name])
        #expect(reader.metadata.containerFilter.first?.key?.runtime == .docker)
        #expect(reader.metadata.isComplete == true)
        #expect(reader.recordedStatedump.containers.contains { $0.name == container.name })
        // The same trace as CTF 1.8, which babeltrace2 reads when it is installed.
        #expect(FileManager.default.fileExists(atPath: "\(directory)/ctf/kernel/metadata"), "\(record.summary ?? "")")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/babeltrace2") {
            #expect(try LiveCaptureEnvironment.run(["babeltrace2", "\(directory)/ctf"]) == 0)
        }
        // Only the trace directory's files, no leftovers of the unpacked directory.
        #expect(try TarListing.names(of: file.path).allSatisfy { $0.hasPrefix("trace-\(started.id.text)/") })
        #expect(!FileManager.default.fileExists(atPath: "\(root)/\(started.id.text)/trace"))
    }

    @Test(arguments: [CaptureKind.trace, .profile])
    func stoppingTheAgentMidCaptureReleasesTheKernel(kind: CaptureKind) async throws {
        let container = try BusyContainer("stop-\(kind.rawValue)")
        defer { container.remove() }
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = try LiveCaptureEnvironment.manager(root: root)
        let started = try manager.start(container: container.name, kind: kind, durationSeconds: 60)
        // Wait until it holds the kernel resources.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if kind == .trace
                ? LiveCaptureEnvironment.ownTracefsInstanceExists()
                : LiveCaptureEnvironment.openPerfEventDescriptors() > 0
            {
                break
            }
            usleep(50_000)
        }
        #expect(
            kind == .trace
                ? LiveCaptureEnvironment.ownTracefsInstanceExists()
                : LiveCaptureEnvironment.openPerfEventDescriptors() > 0)
        let stopAsked = Date()
        await manager.shutdown()
        #expect(Date().timeIntervalSince(stopAsked) < 20, "a 60 s capture stops early")
        let record = try #require(manager.capture(id: started.id.text))
        #expect(record.state == .cancelled, "\(record.error ?? "")")
        #expect(!LiveCaptureEnvironment.ownTracefsInstanceExists())
        #expect(LiveCaptureEnvironment.openPerfEventDescriptors() == 0)
        // What was collected before the stop is kept.
        #expect(manager.resultFile(id: started.id.text) != nil)
    }
}

enum LiveCaptureEnvironment {
    static let image = ProcessInfo.processInfo.environment["PERISCOPE_TEST_IMAGE"] ?? "periscope-test:latest"
    static let isAvailable: Bool = {
        guard geteuid() == 0, FileManager.default.fileExists(atPath: "/sys/kernel/tracing/instances") else {
            return false
        }
        return (try? run(["docker", "image", "inspect", "--format", "{{.Id}}", image])) == 0
    }()
    static let reason: Comment =
        "needs root (perf events, tracefs at /sys/kernel/tracing), a running Docker engine and the periscope-test image: run scripts/test-setup.sh"

    static func manager(root: String) throws -> CaptureManager {
        var configuration = CaptureManager.Configuration(root: root)
        configuration.maximumDurationSeconds = 60
        return try CaptureManager(
            configuration: configuration, runners: CaptureManager.liveRunners(), resolver: .live())
    }

    /// Descriptors of this process that are perf events.
    static func openPerfEventDescriptors() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)"))
                == "anon_inode:[perf_event]"
        }.count
    }

    static func ownTracefsInstanceExists() -> Bool {
        FileManager.default.fileExists(atPath: "/sys/kernel/tracing/instances/\(TracefsInstance.namePrefix)\(getpid())")
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A container spinning a shell loop under a small CPU cap, removed by `remove()`.
struct BusyContainer {
    let name: String

    init(_ base: String) throws {
        name = "periscope-it-16b-\(getpid())-\(base)"
        try LiveCaptureEnvironment.run(["docker", "rm", "-f", name])
        let status = try LiveCaptureEnvironment.run([
            "docker", "run", "-d", "--name", name, "--cpus", "0.2", LiveCaptureEnvironment.image, "sh", "-c",
            "while :; do :; done"
        ])
        guard status == 0 else { throw CaptureRunError("docker run \(name) failed with status \(status)") }
    }

    func remove() { _ = try? LiveCaptureEnvironment.run(["docker", "rm", "-f", name]) }
}

enum TarListing {
    static func names(of archive: String) throws -> [String] {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/tar")
        process.arguments = ["-tf", archive]
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
