import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Every command that takes a container resolves it by `ContainerMatcher`'s one rule, with the
/// same error for a value that names nothing and for one that names several. Two `unshare
/// --pid` namespaces are two unnamed containers whose ids (`pidns-INODE`) share the prefix
/// `pidns-`: an ambiguity made of real namespaces, without Docker.
@Suite("container arguments", .serialized, .live(if: TestEnvironment.unshareAvailable, TestEnvironment.unshareReason))
struct ContainerArgumentTests {
    static let missing = "periscope-it-14b-no-such-container"
    static let tracefsMounted = access("/sys/kernel/tracing/instances", F_OK) == 0

    /// Live commands, with `QUERY` where the container goes and `OUTPUT` for a new directory.
    static let liveCommands: [[String]] =
        [
            ["stats", "QUERY"],
            ["enter", "QUERY", "--", "true"],
            ["diagnose", "QUERY", "--duration", "1s"],
            ["profile", "--container", "QUERY", "-d", "0.2"],
            ["runqlat", "--container", "QUERY", "-d", "1"],
            ["biolatency", "--container", "QUERY", "-d", "1"],
            ["syscount", "--container", "QUERY", "-d", "1"]
        ] + (tracefsMounted ? [["trace", "record", "--container", "QUERY", "-d", "0.5", "-o", "OUTPUT"]] : [])

    /// Two sleeping processes, each PID 1 of its own PID namespace; killed at the end.
    final class TwoNamespaces {
        var launchers: [pid_t] = []

        init() throws {
            for _ in 0..<2 {
                launchers.append(try Shell.spawn(["unshare", "--pid", "--fork", "--mount-proc", "sleep", "600"]))
            }
            // Wait until both children run inside their namespaces.
            for launcher in launchers {
                for _ in 0..<100 {
                    let children =
                        (try? String(contentsOfFile: "/proc/\(launcher)/task/\(launcher)/children", encoding: .utf8))
                        ?? ""
                    if !children.isEmpty { break }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
        }

        deinit {
            for launcher in launchers {
                let children =
                    (try? String(contentsOfFile: "/proc/\(launcher)/task/\(launcher)/children", encoding: .utf8)) ?? ""
                for child in children.split(separator: " ").compactMap({ Int32($0) }) { kill(child, SIGKILL) }
                kill(launcher, SIGKILL)
                Shell.wait(launcher)
            }
        }
    }

    /// Runs `command` with `query`; a trace directory it leaves is removed.
    static func run(_ command: [String], query: String) throws -> Shell.Result {
        let output = "/tmp/periscope-it-14b-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: output) }
        return try Shell.periscope(command.map { $0 == "QUERY" ? query : $0 == "OUTPUT" ? output : $0 })
    }

    @Test("a container argument that names nothing is the one not-found error", arguments: liveCommands)
    func noMatch(command: [String]) throws {
        let result = try Self.run(command, query: Self.missing)
        #expect(result.status != 0)
        #expect(
            result.standardError.contains("no running container matches '\(Self.missing)'"),
            "\(command): \(result.standardError)")
    }

    @Test(
        "trace record naming no container leaves no output directory behind",
        .live(if: tracefsMounted, "needs root and tracefs"))
    func traceRecordLeavesNothing() throws {
        let output = "/tmp/periscope-it-14b-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try Shell.periscope(["trace", "record", "--container", Self.missing, "-d", "0.5", "-o", output])
        #expect(result.status != 0)
        #expect(!FileManager.default.fileExists(atPath: output), "a run that recorded nothing left \(output)")
    }

    @Test("a container argument that names several is the one ambiguity error", arguments: liveCommands)
    func ambiguous(command: [String]) throws {
        let namespaces = try TwoNamespaces()
        defer { withExtendedLifetime(namespaces) {} }
        let result = try Self.run(command, query: "pidns-")
        #expect(result.status != 0)
        #expect(
            result.standardError.contains("'pidns-' matches several containers: "),
            "\(command): \(result.standardError)")
        #expect(result.standardError.contains("give more of the id or the full name"))
    }

    /// A saved window's containers are matched by the same rule, and the errors name the file.
    @Test func savedWindow() throws {
        let namespaces = try TwoNamespaces()
        defer { withExtendedLifetime(namespaces) {} }
        let path = "/tmp/periscope-it-14b-\(getpid())-window.json"
        defer { unlink(path) }
        let saved = try Shell.periscope(["diagnose", "--duration", "1s", "--save-window", path, "--json"])
        #expect(saved.status != 2, "\(saved.standardError)")
        let missing = try Shell.periscope(["diagnose", "--from-window", path, Self.missing])
        #expect(missing.status == 2)
        #expect(
            missing.standardError.contains("no container in the saved window \(path) matches '\(Self.missing)'"),
            "\(missing.standardError)")
        let ambiguous = try Shell.periscope(["diagnose", "--from-window", path, "pidns-"])
        #expect(ambiguous.status == 2)
        #expect(
            ambiguous.standardError.contains("'pidns-' matches several containers in the saved window \(path): "),
            "\(ambiguous.standardError)")
    }

    /// A trace's containers too (`trace dump` and `analyze`).
    @Test(.live(if: tracefsMounted, "needs tracefs mounted at /sys/kernel/tracing"))
    func recordedTrace() throws {
        let directory = "/tmp/periscope-it-14b-\(getpid())-trace"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorded = try Shell.periscope(["trace", "record", "-e", "sched", "-d", "0.5", "-o", directory])
        try #require(recorded.status == 0, "\(recorded.standardError)")
        let dump = try Shell.periscope(["trace", "dump", directory, "--container", Self.missing])
        #expect(dump.status != 0)
        #expect(
            dump.standardError.contains("no container in the trace \(directory) matches '\(Self.missing)'"),
            "\(dump.standardError)")
        let analyze = try Shell.periscope(["analyze", "cputop", directory, "--container", Self.missing])
        #expect(analyze.status != 0)
        #expect(
            analyze.standardError.contains("no container in the trace matches '\(Self.missing)'"),
            "\(analyze.standardError)")
        #expect(try Shell.periscope(["analyze", "cputop", directory, "--container", "host"]).status == 0)
    }
}
