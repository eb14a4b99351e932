import Captures
import Foundation
import Synchronization

/// A runner that writes `bytes` into the job's directory, after waiting until `release` is
/// set or the manager asks it to stop: the tests decide when a capture ends.
struct StandInRunner: CaptureRunner {
    let bytes: Int
    let release: Gate
    var fails = false

    func run(_ job: CaptureJob, shouldStop: @escaping @Sendable () -> Bool) throws -> CaptureOutput {
        while !release.isOpen && !shouldStop() { usleep(2_000) }
        if fails { throw CaptureRunError("stand-in failure") }
        let name = "result.bin"
        try Data(repeating: 0x61, count: bytes).write(to: URL(fileURLWithPath: "\(job.directory)/\(name)"))
        return CaptureOutput(fileName: name, contentType: "application/octet-stream", summary: "\(bytes) bytes")
    }
}

final class Gate: Sendable {
    private let open = Atomic<Bool>(false)
    init(open: Bool = false) { if open { self.open.store(true, ordering: .releasing) } }
    var isOpen: Bool { open.load(ordering: .acquiring) }
    func release() { open.store(true, ordering: .releasing) }
}

/// Two containers, `web` and `db`; anything else is unknown.
let standInResolver = ContainerResolver { query in
    switch query {
    case "web", "aaaaaaaaaaaa":
        return ResolvedContainer(displayName: "web", id: "aaaaaaaaaaaa", key: "docker:aaaaaaaaaaaa")
    case "db", "bbbbbbbbbbbb":
        return ResolvedContainer(displayName: "db", id: "bbbbbbbbbbbb", key: "docker:bbbbbbbbbbbb")
    default: throw ContainerNotFound(query: query, detail: "no container \(query)")
    }
}

/// A fresh capture directory under /tmp, removed by the caller.
func temporaryCaptureRoot() -> String {
    let path = "/tmp/periscope-capture-test-\(UUID().uuidString)"
    return path
}

func makeManager(
    root: String, bytes: Int = 100, release: Gate = Gate(open: true), budget: UInt64 = 1 << 20
) throws -> CaptureManager {
    var configuration = CaptureManager.Configuration(root: root)
    configuration.budgetBytes = budget
    configuration.maximumDurationSeconds = 30
    let runner = StandInRunner(bytes: bytes, release: release)
    return try CaptureManager(
        configuration: configuration, runners: [.profile: runner, .trace: runner, .diagnosis: runner],
        resolver: standInResolver)
}
