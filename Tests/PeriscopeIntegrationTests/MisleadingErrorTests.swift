import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Errors that used to send a user the wrong way (issue 12): each now names the real cause.
@Suite("errors that name the real cause")
struct MisleadingErrorTests {
    static let canDropToNobody = DropToNobody.isPossible
    static let dropReason = DropToNobody.reason

    /// Runs the periscope binary as nobody (uid and gid 65534, no groups, no capabilities).
    static func asNobody(_ arguments: [String]) throws -> Shell.Result {
        try Shell.run(DropToNobody.command([TestEnvironment.periscopeBinary] + arguments))
    }

    @Test(
        "without root, naming a container says names are unreadable, not '(running: (unknown))'",
        .live(if: canDropToNobody && TestEnvironment.dockerAvailable, "needs root, setpriv and Docker"),
        arguments: [["stats", "NAME"], ["enter", "NAME", "--", "true"], ["profile", "--container", "NAME", "-d", "0.2"]]
    )
    func containerNamesWithoutRoot(command: [String]) throws {
        let container = try DockerContainer(name: TestEnvironment.uniqueName("unpriv-\(command[0])"))
        defer { container.remove() }
        let result = try Self.asNobody(command.map { $0 == "NAME" ? container.name : $0 })
        #expect(result.status != 0)
        #expect(
            result.standardError.contains("container names come from the runtime, which this user cannot read"),
            "\(result.standardError)")
        #expect(result.standardError.contains("run as root"))
        #expect(result.standardError.contains("docker:\(container.id.prefix(12))"))
        #expect(!result.standardError.contains("(unknown)"))
    }

    @Test(
        "without root, trace record says permission, not 'not mounted'",
        .live(
            if: canDropToNobody && access("/sys/kernel/tracing/instances", F_OK) == 0,
            "needs root, setpriv and tracefs mounted at /sys/kernel/tracing"))
    func traceRecordWithoutRoot() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-unpriv-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Self.asNobody(["trace", "record", "-o", directory, "-d", "0.2"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("permission denied: tracing needs root"), "\(result.standardError)")
        #expect(!result.standardError.contains("not mounted"))
    }

    /// A user's probe cannot write: that is "could not diagnose", never slow storage (median ∞).
    @Test(
        "diagnose --probe-storage in a directory the user cannot write exits 2 with the reason",
        .live(if: canDropToNobody, dropReason))
    func probeStorageWithoutPermission() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-unpriv-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Self.asNobody(["diagnose", "--probe-storage", directory, "--duration", "1s"])
        #expect(result.status == 2, "\(result.standardError)")
        #expect(
            result.standardError.contains(
                "--probe-storage \(directory): cannot create the probe file: Permission denied"),
            "\(result.standardError)")
        #expect(!result.standardOutput.contains("Synchronous writes"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("a missing or corrupt --from-window exits 2 (could not diagnose), not 1 (findings)")
    func fromWindowThatCannotBeRead() throws {
        let corrupt = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-window-\(UUID().uuidString).json"
        ).path
        try Data("{\"durationSeconds\": ".utf8).write(to: URL(fileURLWithPath: corrupt))
        defer { unlink(corrupt) }
        let missing = try Shell.periscope(["diagnose", "--from-window", corrupt + ".missing"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("cannot read --from-window"))
        let broken = try Shell.periscope(["diagnose", "--from-window", corrupt])
        #expect(broken.status == 2)
        #expect(broken.standardError.contains("is not a window saved by periscope diagnose --save-window"))
    }

    /// `involuntary-switches-per-cpu-second` was printed cut to 32 characters.
    @Test("every name --list-thresholds prints is accepted by --threshold")
    func listedThresholdsAreAccepted() throws {
        let list = try Shell.periscope(["diagnose", "--list-thresholds"])
        #expect(list.status == 0)
        let rows = list.standardOutput.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true)
        }
        #expect(rows.count >= 20)
        #expect(rows.contains { $0.first == "involuntary-switches-per-cpu-second" })
        for row in rows {
            let name = String(row[0]), value = String(row[1])
            // Validation passes, so the command gets as far as the (missing) window: exit 2, not 64.
            let result = try Shell.periscope([
                "diagnose", "--from-window", "/nonexistent/window.json", "--threshold", "\(name)=\(value)"
            ])
            #expect(result.status == 2, "--threshold \(name)=\(value): \(result.standardError)")
        }
    }

    @Test(
        "enter: a command not found exits 127, one not executable 126, as nsenter and shells",
        .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
    func enterMissingCommand() throws {
        let container = try DockerContainer(name: TestEnvironment.uniqueName("enter-127"))
        defer { container.remove() }
        let missing = try Shell.periscope(["enter", container.name, "--", "no-such-command"])
        #expect(missing.status == 127)
        #expect(missing.standardError.contains("not found in the container's PATH"))
        let notExecutable = try Shell.periscope(["enter", container.name, "--", "/etc/hostname"])
        #expect(notExecutable.status == 126)
        #expect(try Shell.periscope(["enter", container.name, "--", "sh", "-c", "exit 7"]).status == 7)
    }
}
