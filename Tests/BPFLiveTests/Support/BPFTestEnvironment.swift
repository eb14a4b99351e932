import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What the machine offers the BPF tests. Live tests are skipped with these reasons locally;
/// under CI (`CI=true`, as root) they run regardless, so a missing prerequisite fails them.
enum BPFTestEnvironment {
    static let isRoot = geteuid() == 0
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true" && isRoot

    static let bpfAvailable = isRoot && access("/sys/kernel/tracing/events/sched/sched_switch/id", R_OK) == 0
    static let bpfReason: Comment =
        "needs root and tracefs at /sys/kernel/tracing (BPF programs attach to sched tracepoints)"
    static var canRunBPF: Bool { bpfAvailable || isCI }

    static let bpftool = ["/usr/sbin/bpftool", "/usr/bin/bpftool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static let bpftoolReason: Comment = "needs root, tracefs and bpftool (scripts/test-setup.sh installs it)"
    static var canRunBPFTool: Bool { (bpfAvailable && bpftool != nil) || isCI }

    static let clang = ProcessInfo.processInfo.environment["CLANG"] ?? "/opt/swift/usr/bin/clang"
    static let clangAvailable = FileManager.default.isExecutableFile(atPath: clang)
    static let clangReason: Comment =
        "needs the Swift toolchain's clang (/opt/swift/usr/bin/clang or $CLANG) to recompile the BPF programs"
    static var canRunClang: Bool { clangAvailable || ProcessInfo.processInfo.environment["CI"] == "true" }

    static let testImage = ProcessInfo.processInfo.environment["PERISCOPE_TEST_IMAGE"] ?? "periscope-test:latest"
    static let dockerAvailable: Bool = {
        guard bpfAvailable, let result = try? run(["docker", "image", "inspect", "--format", "{{.Id}}", testImage])
        else { return false }
        return result.status == 0
    }()
    static let dockerReason: Comment =
        "needs root, tracefs, a running Docker engine and the periscope-test image: run scripts/test-setup.sh"
    static var canRunDocker: Bool { dockerAvailable || isCI }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../../.."
    ).standardized.path

    /// The `periscope` binary built next to this test bundle.
    static let periscopeBinary: String = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("periscope").path,
            bundleDirectory.deletingLastPathComponent().appendingPathComponent("periscope").path,
            "\(repositoryRoot)/.build/debug/periscope"
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `arguments` to completion, capturing both streams.
    @discardableResult
    static func run(_ arguments: [String]) throws -> Result {
        let base = scratchPath("run")
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        let pid = try ChildProcess.spawn(arguments, standardOutput: base + ".out", standardError: base + ".err")
        let status = ChildProcess.wait(pid)
        return Result(
            status: status,
            standardOutput: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
    }

    /// A fresh file path (not created) under /tmp.
    static func scratchPath(_ base: String) -> String {
        "/tmp/periscope-bpf-test-\(getpid())-\(base)-\(UUID().uuidString.prefix(8))"
    }

    static func uniqueContainerName(_ base: String) -> String { "periscope-it-17-\(getpid())-\(base)" }
}

/// What bpftool (Debian's, built without the pid iterator) lists: loaded programs
/// (`bpftool -j prog show`) and tracepoint attachments with their process (`bpftool -j perf`).
enum LoadedPrograms {
    struct Program: Decodable {
        var id: UInt32
        var name: String?
    }

    struct Attachment: Decodable {
        var pid: Int32
        var prog_id: UInt32
        var tracepoint: String?
    }

    static func bpftool(_ arguments: [String]) throws -> Data {
        let result = try BPFTestEnvironment.run([BPFTestEnvironment.bpftool ?? "bpftool", "-j"] + arguments)
        guard result.status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "bpftool: \(result.standardError)"])
        }
        return Data(result.standardOutput.utf8)
    }

    static func programs() throws -> [Program] {
        try JSONDecoder().decode([Program].self, from: bpftool(["prog", "show"]))
    }

    /// The tracepoint attachments of `pid`: program ids by tracepoint.
    static func attachments(of pid: Int32) throws -> [Attachment] {
        try JSONDecoder().decode([Attachment].self, from: bpftool(["perf"])).filter { $0.pid == pid }
    }

    /// Whether any of `ids` is still loaded.
    static func anyLoaded(_ ids: Set<UInt32>) throws -> Bool { try programs().contains { ids.contains($0.id) } }

    /// Polls until `pid` has `count` tracepoint attachments; their program ids, or nil on timeout.
    static func waitForAttachments(of pid: Int32, count: Int, timeout: Double = 60) throws -> Set<UInt32>? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let attached = try attachments(of: pid)
            if attached.count >= count { return Set(attached.map(\.prog_id)) }
            usleep(200_000)
        }
        return nil
    }
}
