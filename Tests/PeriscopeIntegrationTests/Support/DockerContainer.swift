import Foundation

/// A real container started for one test and removed afterwards (`docker rm -f`).
final class DockerContainer {
    let name: String
    let id: String
    /// The host PID of its init process (Docker's State.Pid).
    let initPID: Int32

    /// Starts `docker run -d --name NAME EXTRA... IMAGE COMMAND...`.
    init(name: String, options: [String] = [], command: [String] = ["sleep", "600"]) throws {
        self.name = name
        _ = try? Shell.run(["docker", "rm", "-f", name])
        id = try Shell.check(["docker", "run", "-d", "--name", name] + options + [TestEnvironment.testImage] + command)
        let pidText = try Shell.check(["docker", "inspect", "--format", "{{.State.Pid}}", id])
        guard let pid = Int32(pidText), pid > 0 else {
            throw Shell.Failure(
                command: ["docker", "inspect"], result: .init(status: 1, standardOutput: pidText, standardError: ""))
        }
        initPID = pid
    }

    func inspect(_ format: String) throws -> String {
        try Shell.check(["docker", "inspect", "--format", format, id])
    }

    /// Runs `command` in the container (`docker exec`).
    func exec(_ command: [String]) throws -> Shell.Result {
        try Shell.run(["docker", "exec", id] + command)
    }

    func remove() { _ = try? Shell.run(["docker", "rm", "-f", id]) }

    deinit { remove() }
}

/// Reads the inode of a namespace link the way `ls -l /proc/PID/ns` shows it.
func namespaceInode(pid: Int32, kind: String) throws -> UInt64 {
    let target = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/\(kind)")
    guard let open = target.firstIndex(of: "["), let close = target.firstIndex(of: "]"),
        let inode = UInt64(target[target.index(after: open)..<close])
    else {
        throw CocoaError(.fileReadCorruptFile)
    }
    return inode
}
