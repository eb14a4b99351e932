import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Every command's `--json` against its schema in docs/schemas (docs/json.md), validated by
/// the `jsonschema` package. Commands that need Docker, perf or tracefs are checked where
/// those are available and skipped with the reason otherwise.
@Suite("--json outputs against docs/schemas", .installed(if: JSONSchemaCheck.available, JSONSchemaCheck.whyMissing))
struct JSONSchemaTests {
    static func expectValid(
        _ result: Shell.Result, schema: String, firstLineOnly: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(
            result.status == 0 || (["diagnose", "inside"].contains(schema) && result.status == 1),
            "\(schema): status \(result.status): \(result.standardError.suffix(1500))",
            sourceLocation: sourceLocation)
        let json =
            firstLineOnly ? String(result.standardOutput.split(separator: "\n").first ?? "") : result.standardOutput
        let problems = try JSONSchemaCheck.problems(json, schema: schema)
        #expect(problems.isEmpty, "\(schema): \(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    /// The checker itself: the shapes the vocabulary replaced are rejected.
    @Test(
        "the vocabulary rejects wrapped rates, PID-keyed objects, tool-keyed claims and Ns names",
        arguments: [
            #"{"cgroup": {"cpu": {"usageCores": {"perSecond": 0.5, "wasReset": false}}}}"#,
            #"{"processes": {"-1": 3, "4242": 17}}"#,
            #"{"claims": {"/proc/cpuinfo": "2"}}"#,
            #"{"startNs": 1, "endNs": 2}"#,
            #"[{"bufferSizeKBPerCPU": 1}]"#
        ])
    func vocabularyRejectsTheOldShapes(json: String) throws {
        #expect(try !JSONSchemaCheck.problems(json, schema: "vocabulary").isEmpty)
    }

    @Test func vocabularyAcceptsLabelsAndCgroupsKeyedByTheSystem() throws {
        let json =
            #"{"labels": {"com.docker.compose.project": "shop"}, "cgroups": {"name=systemd": "/", "cpu,cpuacct": "/docker/x"}, "namespaces": {"pid_for_children": 4026531836}}"#
        #expect(try JSONSchemaCheck.problems(json, schema: "vocabulary").isEmpty)
    }

    @Test(
        "ps, ps --processes, pid, top and diagnose",
        .live(if: TestEnvironment.isRoot, "needs root to read every process"))
    func hostCommands() throws {
        try Self.expectValid(try Shell.periscope(["ps", "--json"]), schema: "ps")
        try Self.expectValid(try Shell.periscope(["ps", "--processes", "--json"]), schema: "ps-processes")
        try Self.expectValid(try Shell.periscope(["pid", String(getpid()), "--json"]), schema: "pid")
        try Self.expectValid(try Shell.periscope(["top", "--json", "-d", "0.5"]), schema: "top", firstLineOnly: true)
        try Self.expectValid(try Shell.periscope(["diagnose", "--json", "-d", "1s"]), schema: "diagnose")
    }

    @Test("fold and flamegraph")
    func stackCommands() throws {
        let input = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/perf/gzip-perl.perf-script.txt").standardized.path
        try Self.expectValid(try Shell.periscope(["fold", "--json", input]), schema: "fold")
        let directory = NSTemporaryDirectory() + "periscope-schema-fold-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "main;work 3\nmain;idle 1\n".write(toFile: directory + "/in.folded", atomically: false, encoding: .utf8)
        try Self.expectValid(
            try Shell.periscope(["flamegraph", "--json", "-o", directory + "/out.svg", directory + "/in.folded"]),
            schema: "flamegraph")
    }

    @Test("stats and inside", .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
    func containerCommands() throws {
        let container = try DockerContainer(
            name: TestEnvironment.uniqueName("13b-schema"), options: ["--cpus", "0.05", "--memory", "64m"],
            command: ["sh", "-c", "while :; do :; done"])
        try Self.expectValid(
            try Shell.periscope(["stats", container.name, "--json", "--interval", "0.5"]), schema: "stats")
        let inside = try Shell.run(
            ["docker", "run", "--rm", "--name", TestEnvironment.uniqueName("13b-schema-inside"), "--memory", "64m"]
                + InsideCommandTests.mounts + [TestEnvironment.testImage, "/periscope", "inside", "--json", "-d", "1s"])
        try Self.expectValid(inside, schema: "inside")
    }

    @Test(
        "profile",
        .live(
            if: TestEnvironment.isRoot
                && FileManager.default.fileExists(atPath: "/proc/sys/kernel/perf_event_paranoid"),
            "needs root and perf_event_open"))
    func profile() throws {
        try Self.expectValid(try Shell.periscope(["profile", "--all", "-d", "0.5", "--json"]), schema: "profile")
    }

    @Test(
        "trace record and analyze",
        .live(
            if: TestEnvironment.isRoot && FileManager.default.fileExists(atPath: "/sys/kernel/tracing/trace_marker"),
            "needs root and tracefs at /sys/kernel/tracing"))
    func traceCommands() throws {
        let directory = NSTemporaryDirectory() + "periscope-schema-trace-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.expectValid(
            try Shell.periscope(["trace", "record", "-d", "0.5", "-o", directory, "--json"]), schema: "trace-record")
        try Self.expectValid(try Shell.periscope(["analyze", "cputop", directory, "--json"]), schema: "analyze")
        try Self.expectValid(try Shell.periscope(["trace", "dump", directory, "--json"]), schema: "trace-dump")
        try Self.expectValid(
            try Shell.periscope(["trace", "convert", directory, directory + "-ctf", "--json"]), schema: "trace-convert")
        try? FileManager.default.removeItem(atPath: directory + "-ctf")
    }

    @Test(
        "trace snapshot, with one snapshot triggered by SIGUSR1",
        .live(
            if: TestEnvironment.isRoot && FileManager.default.fileExists(atPath: "/sys/kernel/tracing/trace_marker"),
            "needs root and tracefs at /sys/kernel/tracing"), .timeLimit(.minutes(1)))
    func traceSnapshot() throws {
        let directory = NSTemporaryDirectory() + "periscope-schema-snapshot-\(getpid())"
        let output = directory + ".json"
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            unlink(output)
        }
        let armed = try Shell.spawn(
            [TestEnvironment.periscopeBinary, "trace", "snapshot", "--arm", "-d", "4", "-o", directory, "--json"],
            standardOutput: output)
        Thread.sleep(forTimeInterval: 2)
        kill(armed, SIGUSR1)
        let status = Shell.wait(armed)
        let json = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(status == 0, "trace snapshot exited \(status)")
        #expect(json.contains("triggeredAtMonotonicNanoseconds"), "no snapshot was saved: \(json.prefix(300))")
        let problems = try JSONSchemaCheck.problems(json, schema: "trace-snapshot")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
