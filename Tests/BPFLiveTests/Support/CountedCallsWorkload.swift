import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Tests/Fixtures/bpf/counted_calls.c built static, and test containers that hold it: a
/// workload whose function calls and system calls are known exactly, in a binary that exists
/// only inside its container.
enum CountedCallsWorkload {
    static let gcc = "/usr/bin/gcc"
    static let reason: Comment =
        "needs root, tracefs, bpftool, gcc with static glibc, a running Docker engine and the periscope-test image: run scripts/test-setup.sh"
    static var canRun: Bool {
        (BPFTestEnvironment.dockerAvailable && BPFTestEnvironment.bpftool != nil
            && FileManager.default.isExecutableFile(atPath: gcc)) || BPFTestEnvironment.isCI
    }
    /// Where the binary is inside the containers: no such file exists on the host.
    static let pathInContainer = "/periscope-17b-counted-calls"

    /// Compiles the workload into a fresh host path (the caller removes it).
    static func build() throws -> String {
        let output = BPFTestEnvironment.scratchPath("counted-calls")
        let result = try BPFTestEnvironment.run([
            gcc, "-O1", "-static", "-o", output,
            "\(BPFTestEnvironment.repositoryRoot)/Tests/Fixtures/bpf/counted_calls.c"
        ])
        guard result.status == 0 else { throw Failure("gcc: \(result.standardError)") }
        return output
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// A `periscope-it-17b-*` container of the test image, idle, with the workload copied to
    /// `pathInContainer`; removed by `remove`.
    static func startContainer(_ base: String, binary: String) throws -> String {
        let name = "periscope-it-17b-\(getpid())-\(base)"
        _ = try? BPFTestEnvironment.run(["docker", "rm", "-f", name])
        let started = try BPFTestEnvironment.run([
            "docker", "run", "-d", "--name", name, BPFTestEnvironment.testImage, "sleep", "600"
        ])
        guard started.status == 0 else { throw Failure("docker run: \(started.standardError)") }
        let copied = try BPFTestEnvironment.run(["docker", "cp", binary, "\(name):\(pathInContainer)"])
        guard copied.status == 0 else {
            remove(name)
            throw Failure("docker cp: \(copied.standardError)")
        }
        return name
    }

    static func remove(_ name: String) { _ = try? BPFTestEnvironment.run(["docker", "rm", "-f", name]) }

    /// Runs the workload inside `container`.
    static func exec(in container: String, calls: Int, others: Int = 0, syscalls: Int = 0) throws {
        let result = try BPFTestEnvironment.run([
            "docker", "exec", container, pathInContainer, "\(calls)", "\(others)", "\(syscalls)"
        ])
        guard result.status == 0 else { throw Failure("docker exec: \(result.status) \(result.standardError)") }
    }

    /// Program ids of loaded funccount programs (`funccount_tp`, `funccount_up`).
    static func funccountPrograms() throws -> Set<UInt32> {
        Set(try LoadedPrograms.programs().filter { ($0.name ?? "").hasPrefix("funccount_") }.map(\.id))
    }

    /// Polls until a funccount program not in `before` is loaded and linked `links` times;
    /// its ids, or nil on timeout.
    static func waitForNewPrograms(notIn before: Set<UInt32>, links: Int, timeout: Double = 60) throws -> Set<UInt32>? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let new = try funccountPrograms().subtracting(before)
            if !new.isEmpty, try BPFLinks.links(of: new).count >= links { return new }
            usleep(100_000)
        }
        return nil
    }
}

/// `bpftool link show`: the BPF links of programs.
enum BPFLinks {
    struct Link: Decodable {
        var id: UInt32
        var prog_id: UInt32
    }

    static func links(of programs: Set<UInt32>) throws -> [Link] {
        try JSONDecoder().decode([Link].self, from: LoadedPrograms.bpftool(["link", "show"])).filter {
            programs.contains($0.prog_id)
        }
    }
}

/// `periscope funccount --json`'s document.
struct FunccountJSON: Decodable {
    struct Interval: Decodable { var rows: [Row] }
    struct Row: Decodable {
        var container: String?
        var function: String
        var count: UInt64
    }

    var pattern: String
    var probes: Int
    var intervals: [Interval]
    var droppedHits: UInt64

    init(_ text: String) throws { self = try JSONDecoder().decode(FunccountJSON.self, from: Data(text.utf8)) }

    /// The summed count of `function` for rows of `container` (nil: rows without a container).
    func count(_ function: String, container: String?) -> UInt64 {
        intervals.flatMap(\.rows).filter { $0.function == function && $0.container == container }.reduce(0) {
            $0 + $1.count
        }
    }
}
