import Foundation

/// A container started for one test and removed afterwards (`docker rm -f`).
final class TraceTestContainer {
    let name: String
    let id: String
    let initPID: Int32

    init(_ base: String, command: [String]) throws {
        name = TraceTestEnvironment.uniqueContainerName(base)
        _ = try? TraceShell.run(["docker", "rm", "-f", name])
        let run = try TraceShell.run(["docker", "run", "-d", "--name", name, TraceTestEnvironment.testImage] + command)
        guard run.status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "docker run: \(run.standardError)"])
        }
        id = run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let inspect = try TraceShell.run(["docker", "inspect", "--format", "{{.State.Pid}}", id])
        initPID = Int32(inspect.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    deinit { _ = try? TraceShell.run(["docker", "rm", "-f", id]) }
}
