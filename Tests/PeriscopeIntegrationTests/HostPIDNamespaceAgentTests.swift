import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Periscope deployed as operators deploy toolkits: in a container with the host's PID and
/// network namespaces, the host's /sys and the Docker socket. Its own cgroup namespace and
/// mounts must not change what it says: `ps`, `top` and `diagnose` from inside agree with the
/// same commands on the host, and its own container is just one small container.
@Suite(
    "periscope run from a container with the host's PID namespace", .serialized,
    .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
struct HostPIDNamespaceAgentTests {
    /// The agent container (it only sleeps; commands run in it with `docker exec`) and a
    /// capped two-process workload beside it.
    final class Scene {
        let agent: DockerContainer
        let workload: DockerContainer

        init(cgroupNamespace: String) throws {
            agent = try DockerContainer(
                name: TestEnvironment.uniqueName("13b-agent-\(cgroupNamespace)"),
                options: [
                    "--cgroupns=\(cgroupNamespace)", "--pid=host", "--net=host", "-v", "/sys:/sys",
                    "-v", "/var/run/docker.sock:/var/run/docker.sock"
                ] + InsideCommandTests.mounts)
            workload = try DockerContainer(
                name: TestEnvironment.uniqueName("13b-workload-\(cgroupNamespace)"),
                options: ["--cpus", "0.05", "--memory", "64m"],
                command: ["sh", "-c", "sleep 600 & while :; do :; done"])
        }

        /// Runs periscope in the agent container.
        func inside(_ arguments: [String]) throws -> Shell.Result {
            try Shell.run(["docker", "exec", agent.id, "/periscope"] + arguments)
        }
    }

    /// The JSON object a command printed (`top --json` prints one per line: the first).
    static func json(_ result: Shell.Result, _ command: String, firstLineOnly: Bool = false) throws -> [String: Any] {
        let text =
            firstLineOnly
            ? result.standardOutput.split(separator: "\n").first.map(String.init) ?? "" : result.standardOutput
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return try #require(object, "\(command): status \(result.status), \(result.standardError.suffix(2000))")
    }

    @Test(
        "ps --json: every process is in the same container from inside as from the host", arguments: ["host", "private"]
    )
    func processes(cgroupNamespace: String) throws {
        let scene = try Scene(cgroupNamespace: cgroupNamespace)
        let insideListing = try Self.json(try scene.inside(["ps", "--processes", "--json"]), "ps inside")
        let hostListing = try Self.json(try Shell.periscope(["ps", "--processes", "--json"]), "ps on the host")
        func placement(_ listing: [String: Any]) -> [String: String] {
            var placed: [String: String] = [:]
            for entry in listing["processes"] as? [[String: Any]] ?? [] {
                guard let process = entry["process"] as? [String: Any], let pid = jsonNumber(process["pid"]),
                    let start = jsonNumber(process["startTimeTicks"]),
                    let container = process["container"] as? [String: Any]
                else { continue }
                placed["\(Int(pid))@\(Int(start))"] = "\(container["runtime"] ?? "?"):\(container["id"] ?? "?")"
            }
            return placed
        }
        let inside = placement(insideListing), host = placement(hostListing)
        let common = Set(inside.keys).intersection(host.keys)
        #expect(common.count >= 20, "only \(common.count) processes seen by both runs")
        let disagreements = common.filter { inside[$0] != host[$0] }.sorted().prefix(5).map { key in
            let pid = key.prefix { $0 != "@" }
            let comm =
                (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.replacingOccurrences(
                    of: "\0", with: " ") ?? "?"
            let cgroups = (try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8)) ?? "?"
            return "\(key) (\(comm); \(cgroups)): inside \(inside[key]!), host \(host[key]!)"
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        // PID 1 and kthreadd are the host's, not the agent's.
        #expect(inside.first { $0.key.hasPrefix("1@") }?.value == "host:host")
        #expect(inside.first { $0.key.hasPrefix("2@") }?.value == "host:host")
        let agentProcesses = inside.values.filter { $0 == "docker:\(scene.agent.id)" }.count
        #expect(
            (1...3).contains(agentProcesses),
            "the agent container holds \(agentProcesses) processes (sleep and periscope)")
        #expect(inside.values.filter { $0 == "docker:\(scene.workload.id)" }.count == 2)

        let insideContainers =
            try Self.json(try scene.inside(["ps", "--json"]), "ps inside")["containers"] as? [[String: Any]] ?? []
        let hostContainers =
            try Self.json(try Shell.periscope(["ps", "--json"]), "ps on the host")["containers"] as? [[String: Any]]
            ?? []
        for id in [scene.agent.id, scene.workload.id] {
            let fromInside = try #require(
                insideContainers.first { $0["id"] as? String == id }, "\(id) not listed from inside")
            let fromHost = try #require(
                hostContainers.first { $0["id"] as? String == id }, "\(id) not listed on the host")
            #expect(fromInside["cgroupPath"] as? String == fromHost["cgroupPath"] as? String)
            #expect(fromInside["cgroups"] as? [String: String] == fromHost["cgroups"] as? [String: String])
            #expect(jsonNumber(fromInside["initPID"]) == jsonNumber(fromHost["initPID"]))
            #expect(fromInside["name"] as? String == fromHost["name"] as? String)
        }
        let insideHost = try #require(insideContainers.first { $0["id"] as? String == "host" })
        #expect(
            (insideHost["cgroups"] as? [String: String])?.values.allSatisfy { !$0.contains("..") } == true,
            "\(insideHost["cgroups"] ?? "no cgroups")")
    }

    @Test(
        "top --json: the agent container's counters are its own, the workload's match the host's view",
        arguments: ["host", "private"])
    func top(cgroupNamespace: String) throws {
        let scene = try Scene(cgroupNamespace: cgroupNamespace)
        let inside = try Self.json(try scene.inside(["top", "--json", "-d", "1"]), "top inside", firstLineOnly: true)
        let host = try Self.json(
            try Shell.periscope(["top", "--json", "-d", "1"]), "top on the host", firstLineOnly: true)
        func row(_ frame: [String: Any], _ id: String) throws -> [String: Any] {
            try #require(
                (frame["rows"] as? [[String: Any]])?.first { $0["id"] as? String == "docker:\(id)" }, "no row for \(id)"
            )
        }
        for frame in [inside, host] {
            let agent = try row(frame, scene.agent.id)
            // Read from the host's root cgroup these were the whole host's: hundreds of tasks, gigabytes.
            // Its tasks are sleep and, from inside, periscope's threads.
            #expect((1...32).contains(jsonNumber(agent["pids"]) ?? 0), "agent pids \(agent["pids"] ?? "none")")
            #expect((jsonNumber(agent["memoryWorkingSetBytes"]) ?? .infinity) < 256 * 1_048_576)
            #expect((jsonNumber(agent["cpuUsageCores"]) ?? .infinity) < 1.0)
            let workload = try row(frame, scene.workload.id)
            #expect(jsonNumber(workload["memoryLimitBytes"]) == Double(64 << 20))
            #expect(jsonNumber(workload["pids"]) == 2)
            #expect(
                (jsonNumber(workload["cpuUsageCores"]) ?? .infinity) <= 0.08,
                "capped at 0.05 cores: \(workload["cpuUsageCores"] ?? "none")")
        }
    }

    /// perf_event_open needs CAP_SYS_ADMIN (or CAP_PERFMON) and a seccomp profile that allows
    /// it: how a profiling agent is deployed.
    static let profilingOptions = [
        "--cap-add", "SYS_ADMIN", "--cap-add", "SYSLOG", "--security-opt", "seccomp=unconfined"
    ]

    @Test(
        "profile --all: a host process's samples are the host's, not the agent container's",
        arguments: ["host", "private"])
    func profile(cgroupNamespace: String) throws {
        let agent = try DockerContainer(
            name: TestEnvironment.uniqueName("13b-profiler-\(cgroupNamespace)"),
            options: [
                "--cgroupns=\(cgroupNamespace)", "--pid=host", "--net=host", "-v", "/sys:/sys",
                "-v", "/var/run/docker.sock:/var/run/docker.sock"
            ] + Self.profilingOptions + InsideCommandTests.mounts)
        // A busy host process with a name of its own (comm is the executable's name).
        let loop = NSTemporaryDirectory() + "periscope-13b-hostloop"
        try? FileManager.default.removeItem(atPath: loop)
        try FileManager.default.copyItem(atPath: "/bin/dash", toPath: loop)
        defer { unlink(loop) }
        let busy = try Shell.spawn([loop, "-c", "while :; do :; done"])
        defer {
            kill(busy, SIGKILL)
            _ = Shell.wait(busy)
        }
        let result = try agent.exec(["/periscope", "profile", "--all", "-d", "2", "--json"])
        try #require(result.status == 0, "profile from the agent: \(result.standardError.suffix(800))")
        let report = try Self.json(result, "profile inside")
        let stacks = report["stacks"] as? [[String: Any]] ?? []
        var rootOfLoop: [String: Int] = [:]
        for stack in stacks {
            guard let frames = stack["frames"] as? [String], frames.count >= 2, frames[1] == "periscope-13b-h" else {
                continue
            }
            rootOfLoop[frames[0], default: 0] += Int(jsonNumber(stack["count"]) ?? 0)
        }
        #expect((rootOfLoop["[host]"] ?? 0) > 0, "no samples of the host loop: \(rootOfLoop)")
        #expect(rootOfLoop.keys.allSatisfy { $0 == "[host]" }, "the host loop was put in \(rootOfLoop)")
    }

    @Test("diagnose --json: the host's processes are not blamed on the agent container", arguments: ["host", "private"])
    func diagnose(cgroupNamespace: String) throws {
        let scene = try Scene(cgroupNamespace: cgroupNamespace)
        let inside = try Self.json(try scene.inside(["diagnose", "--json", "-d", "2s"]), "diagnose inside")
        let host = try Self.json(try Shell.periscope(["diagnose", "--json", "-d", "2s"]), "diagnose on the host")
        let agentKey = "docker:\(scene.agent.id)", workloadKey = "docker:\(scene.workload.id)"
        for (view, report) in [("inside", inside), ("host", host)] {
            #expect(report["viewpoint"] as? String == "host", "\(view)")
            let verdicts = report["cpuVerdicts"] as? [[String: Any]] ?? []
            let agent = try #require(
                verdicts.first { $0["containerKey"] as? String == agentKey }, "\(view): no verdict for the agent")
            #expect(
                (jsonNumber(agent["usageCores"]) ?? .infinity) < 1.0,
                "\(view): agent uses \(agent["usageCores"] ?? "?") cores")
            let workload = try #require(
                verdicts.first { $0["containerKey"] as? String == workloadKey }, "\(view): no verdict for the workload")
            #expect((jsonNumber(workload["usageCores"]) ?? .infinity) <= 0.08, "\(view)")
            // pidstat's busiest processes name their container: only periscope and sleep are the agent's.
            let pidstat =
                (report["checklist"] as? [[String: Any]])?.first { $0["command"] as? String == "pidstat 1" }?["summary"]
                as? String ?? ""
            let agentName = scene.agent.name
            for entry in pidstat.split(separator: ",") where entry.hasSuffix("(\(agentName))") {
                let comm = entry.trimmingCharacters(in: .whitespaces).prefix { $0 != "[" }
                #expect(["periscope", "sleep"].contains(String(comm)), "\(view): \(entry) put in the agent container")
            }
            // No finding names the agent as the neighbour taking most of the CPU.
            for finding in report["findings"] as? [[String: Any]] ?? [] {
                let neighbours = (finding["blame"] as? [String: Any])?["neighbours"] as? [[String: Any]] ?? []
                for neighbour in neighbours where neighbour["name"] as? String == agentName {
                    #expect((jsonNumber(neighbour["sharePercent"]) ?? 0) < 50, "\(view): \(neighbour)")
                }
            }
        }
    }
}
