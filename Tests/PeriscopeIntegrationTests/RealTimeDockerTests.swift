import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Real-time scheduling in real containers (issue 19; the Red Hat post "Using SCHED_FIFO in
/// Docker containers on RHEL"), with a small static C helper (busybox has no `chrt`):
/// - without an RT budget `sched_setscheduler(SCHED_FIFO)` fails with EPERM although the
///   container has CAP_SYS_NICE, and `periscope stats` and `periscope inside` name the zero
///   budget and the options that fix it;
/// - with a budget on `/docker` and `--cpu-rt-runtime 100000` on the container, a pinned
///   SCHED_FIFO loop runs 10% of each second and `periscope diagnose` names it throttled.
/// The host's `/docker` budget is written by one test and restored on every exit path; the
/// loop is bounded (its own deadline, a 10% budget) so a bug cannot lock a CPU. Serialized:
/// the tests share `/docker`'s budget.
@Suite(.serialized, .live(if: RealTimeEnvironment.available, RealTimeEnvironment.reason))
struct RealTimeDockerTests {
    static let gcc = RealTimeEnvironment.gcc
    static let dockerBudgetFile = RealTimeEnvironment.dockerBudgetFile

    /// `probe SECONDS`: try SCHED_FIFO 10, print the outcome, sleep. `loop CPU SECONDS`: pin to
    /// CPU, switch to SCHED_FIFO 10 and spin until the deadline, then exit.
    static let program = #"""
        #define _GNU_SOURCE
        #include <errno.h>
        #include <sched.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <time.h>
        #include <unistd.h>

        static double now(void) {
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            return t.tv_sec + t.tv_nsec / 1e9;
        }

        int main(int argc, char **argv) {
            struct sched_param param = { .sched_priority = 10 };
            if (argc == 3 && strcmp(argv[1], "probe") == 0) {
                if (sched_setscheduler(0, SCHED_FIFO, &param) != 0)
                    printf("sched_setscheduler: %s\n", errno == EPERM ? "EPERM" : strerror(errno));
                else
                    printf("sched_setscheduler: ok\n");
                fflush(stdout);
                sleep(atoi(argv[2]));
                return 0;
            }
            if (argc == 4 && strcmp(argv[1], "loop") == 0) {
                cpu_set_t set;
                CPU_ZERO(&set);
                CPU_SET(atoi(argv[2]), &set);
                if (sched_setaffinity(0, sizeof set, &set) != 0) { perror("sched_setaffinity"); return 1; }
                if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) { perror("sched_setscheduler"); return 1; }
                printf("looping\n");
                fflush(stdout);
                double end = now() + atof(argv[3]);
                volatile unsigned long spins = 0;
                while (now() < end) spins++;
                return 0;
            }
            fprintf(stderr, "usage: rtprobe probe SECONDS | rtprobe loop CPU SECONDS\n");
            return 2;
        }
        """#

    /// Compiles the helper (static: the image is busybox only), creates the container with
    /// `options`, copies the helper in and starts it running `/rtprobe ARGUMENTS`.
    static func startContainer(name: String, options: [String], arguments: [String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-rtprobe-\(getpid())")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try program.write(toFile: "\(directory)/rtprobe.c", atomically: true, encoding: .utf8)
        try Shell.check([gcc!, "-O2", "-static", "-o", "\(directory)/rtprobe", "\(directory)/rtprobe.c"])
        _ = try? Shell.run(["docker", "rm", "-f", name])
        let id = try Shell.check(
            ["docker", "create", "--name", name] + options + [TestEnvironment.testImage, "/rtprobe"] + arguments)
        do {
            try Shell.check(["docker", "cp", "\(directory)/rtprobe", "\(id):/rtprobe"])
            try Shell.check(["docker", "start", id])
        } catch {
            _ = try? Shell.run(["docker", "rm", "-f", id])
            throw error
        }
        return id
    }

    /// Waits (at most 5 s) for the container's output to contain `text`.
    static func waitForLog(_ id: String, containing text: String) throws -> String {
        var log = ""
        for _ in 0..<50 {
            log = try Shell.run(["docker", "logs", id]).standardOutput
            if log.contains(text) { break }
            usleep(100_000)
        }
        return log
    }

    /// A value written to a cgroup file for one test, the old one written back by `restore()`.
    final class CgroupFileOverride {
        let path: String
        let original: String

        init(path: String, value: String) throws {
            self.path = path
            original = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            try value.write(toFile: path, atomically: false, encoding: .utf8)
        }

        /// Writes the original value back; false (and the reason in the test log) if the kernel refused.
        @discardableResult
        func restore() -> Bool {
            do {
                try original.write(toFile: path, atomically: false, encoding: .utf8)
                return true
            } catch {
                Issue.record("could not restore \(path) to \(original): \(error)")
                return false
            }
        }
    }

    @Test(
        "no RT budget: SCHED_FIFO fails with EPERM despite CAP_SYS_NICE; stats and inside name the zero budget and the fix",
        .timeLimit(.minutes(2)))
    func withoutBudget() throws {
        let name = TestEnvironment.uniqueName("rt-nobudget")
        let id = try Self.startContainer(
            name: name, options: ["--cap-add", "SYS_NICE"] + InsideCommandTests.mounts, arguments: ["probe", "120"])
        defer { _ = try? Shell.run(["docker", "rm", "-f", id]) }
        let log = try Self.waitForLog(id, containing: "sched_setscheduler:")
        #expect(log.contains("sched_setscheduler: EPERM"), "the helper must really be refused: \(log)")

        let stats = try Shell.periscope(["stats", name, "--json"])
        #expect(stats.status == 0, "\(stats.standardError)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any])
        let realtime = try #require(object["realtime"] as? [String: Any])
        let budget = try #require(realtime["budget"] as? [String: Any])
        #expect(budget["groupScheduling"] as? String == "present")
        let levels = (budget["levels"] as? [[String: Any]]) ?? []
        #expect(levels.first?["cgroupPath"] as? String == "/docker/\(id)")
        #expect(jsonNumber(levels.first?["rtRuntimeMicroseconds"]) == 0)
        #expect(levels.map { $0["cgroupPath"] as? String }.contains("/docker"))
        let usability = try #require(realtime["usability"] as? [String: Any])
        #expect(usability["usable"] as? Bool == false)
        let reasons = (usability["reasons"] as? [String]) ?? []
        #expect(reasons.contains { $0.contains("no RT budget on this cgroup") && $0.contains("cpu.rt_runtime_us 0") })
        // CAP_SYS_NICE was added: the capability is not a reason.
        #expect(!reasons.contains { $0.contains("CAP_SYS_NICE") })
        #expect(((usability["fixes"] as? [String]) ?? []).contains { $0.contains("docker run --cpu-rt-runtime") })
        #expect(((realtime["threads"] as? [Any]) ?? [1]).isEmpty)

        let text = try Shell.periscope(["stats", name])
        #expect(text.standardOutput.contains("REALTIME RT budget 0/1000000 µs"))
        #expect(text.standardOutput.contains("SCHED_FIFO/SCHED_RR not usable: no RT budget on this cgroup"))

        let inside = try Shell.run(["docker", "exec", id, "/periscope", "inside", "--json", "--no-diagnose"])
        #expect(inside.status == 0, "\(inside.standardError)")
        let insideObject = try #require(
            try JSONSerialization.jsonObject(with: Data(inside.standardOutput.utf8)) as? [String: Any])
        let guestRealtime = try #require((insideObject["guest"] as? [String: Any])?["realtime"] as? [String: Any])
        #expect(guestRealtime["usable"] as? Bool == false)
        #expect(((guestRealtime["reasons"] as? [String]) ?? []).contains { $0.contains("cpu.rt_runtime_us 0") })
        let fixes = (guestRealtime["fixes"] as? [String]) ?? []
        #expect(fixes.contains { $0.contains("docker run --cpu-rt-runtime") })
        #expect(fixes.contains { $0.contains("dockerd --cpu-rt-runtime") })
        let insideText = try Shell.run(["docker", "exec", id, "/periscope", "inside", "--no-diagnose"])
        #expect(
            insideText.standardOutput.contains("real-time SCHED_FIFO/SCHED_RR not usable: no RT budget on this cgroup"))
    }

    @Test(
        "a budget on /docker and --cpu-rt-runtime 100000: a pinned SCHED_FIFO loop runs, is throttled at 10% and diagnose names it",
        .timeLimit(.minutes(2)))
    func throttledAtBudget() throws {
        let cpu = ProcessInfo.processInfo.activeProcessorCount > 1 ? 1 : 0
        let parent = try CgroupFileOverride(path: Self.dockerBudgetFile, value: "200000")
        // Runs last: the container's budget must be gone before /docker's can go back to 0.
        defer { parent.restore() }
        let name = TestEnvironment.uniqueName("rt-throttled")
        let id = try Self.startContainer(
            name: name, options: ["--cap-add", "SYS_NICE", "--cpu-rt-runtime", "100000"],
            arguments: ["loop", String(cpu), "12"])
        defer { _ = try? Shell.run(["docker", "rm", "-f", id]) }
        let log = try Self.waitForLog(id, containing: "looping")
        try #require(log.contains("looping"), "the helper must run SCHED_FIFO with the budget: \(log)")
        usleep(300_000)

        let stats = try Shell.periscope(["stats", name, "--json"])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any])
        let realtime = try #require(object["realtime"] as? [String: Any])
        let levels = ((realtime["budget"] as? [String: Any])?["levels"] as? [[String: Any]]) ?? []
        #expect(jsonNumber(levels.first?["rtRuntimeMicroseconds"]) == 100_000)
        #expect(jsonNumber(levels.dropFirst().first?["rtRuntimeMicroseconds"]) == 200_000)
        #expect((realtime["usability"] as? [String: Any])?["usable"] as? Bool == true)
        let thread = try #require(((realtime["threads"] as? [[String: Any]]) ?? []).first)
        #expect(thread["policy"] as? String == "SCHED_FIFO")
        #expect(jsonNumber(thread["rtPriority"]) == 10)
        #expect(thread["comm"] as? String == "rtprobe")
        #expect(((thread["allowedCPUs"] as? [String: Any])?["cpus"] as? [Int]) == [cpu])

        let (status, report) = try DiagnoseScenarioTests.diagnose([id, "-d", "3s"])
        #expect(status == 1)
        let finding = try #require(
            DiagnoseScenarioTests.findings(report, rule: "rt.budget-throttled").first {
                $0["containerKey"] as? String == "docker:\(id)"
            })
        #expect((finding["verdict"] as? String)?.contains("rtprobe (TID") == true)
        #expect((finding["verdict"] as? String)?.contains("cpu.rt_runtime_us 100000") == true)
        let evidence = (finding["evidence"] as? [[String: Any]]) ?? []
        // 100 ms of every 1 s period: it waits most of each second (RT_RUNTIME_SHARE may let it borrow another CPU's share).
        let wait = jsonNumber(evidence.first { $0["metric"] as? String == "RT threads' run-queue wait" }?["value"]) ?? 0
        #expect(wait >= 500)
        let used =
            jsonNumber(evidence.first { $0["metric"] as? String == "RT CPU use of the budget per CPU" }?["value"]) ?? 0
        #expect(used >= 80 && used <= 250)
        // The kernel logs "sched: RT throttling activated" once per boot: when this run was the first, it is attributed.
        let logged = ((report["findings"] as? [[String: Any]]) ?? []).contains {
            $0["rule"] as? String == "rt.throttling-logged"
        }
        #expect(!logged)
    }

    @Test(
        "a pinned SCHED_FIFO loop on the CPU another container is pinned to: diagnose names that neighbour",
        .timeLimit(.minutes(2)))
    func starvingNeighbour() throws {
        let cpu = ProcessInfo.processInfo.activeProcessorCount > 1 ? 1 : 0
        let parent = try CgroupFileOverride(path: Self.dockerBudgetFile, value: "200000")
        defer { parent.restore() }
        let neighbour = try DockerContainer(
            name: TestEnvironment.uniqueName("rt-neighbour"), options: ["--cpuset-cpus", String(cpu)],
            command: DiagnoseScenarioTests.busyLoop)
        defer { neighbour.remove() }
        let name = TestEnvironment.uniqueName("rt-hog")
        let id = try Self.startContainer(
            name: name, options: ["--cap-add", "SYS_NICE", "--cpu-rt-runtime", "100000"],
            arguments: ["loop", String(cpu), "12"])
        defer { _ = try? Shell.run(["docker", "rm", "-f", id]) }
        try #require(try Self.waitForLog(id, containing: "looping").contains("looping"))
        usleep(300_000)
        // The loop is kept to a 10% budget so it can never lock the CPU; the rule's 50% default is
        // lowered to 5% to judge this bounded loop the way it judges an unbounded one.
        let (status, report) = try DiagnoseScenarioTests.diagnose([
            id, "-d", "3s", "--threshold", "rt-thread-cpu-percent=5"
        ])
        #expect(status == 1)
        let finding = try #require(
            DiagnoseScenarioTests.findings(report, rule: "rt.starving-neighbours").first {
                $0["containerKey"] as? String == "docker:\(id)"
            })
        #expect(finding["severity"] as? String == "warning")
        let verdict = (finding["verdict"] as? String) ?? ""
        #expect(verdict.contains("SCHED_FIFO thread rtprobe"))
        #expect(verdict.contains("pinned to CPU \(cpu)"))
        #expect(verdict.contains(neighbour.name))
        let neighbours = ((finding["blame"] as? [String: Any])?["neighbours"] as? [[String: Any]]) ?? []
        #expect(
            neighbours.contains { $0["name"] as? String == neighbour.name && $0["resource"] as? String == "cpu \(cpu)" }
        )
        let evidence = (finding["evidence"] as? [[String: Any]]) ?? []
        let busy = jsonNumber(evidence.first { $0["metric"] as? String == "RT thread CPU use" }?["value"]) ?? 0
        #expect(busy >= 5 && busy <= 25)
    }

    @Test(
        "top's drill-down shows the RT budget chain and the SCHED_FIFO thread with its priority, CPU and wait",
        .live(if: TmuxSession.isAvailable, "needs tmux (scripts/test-setup.sh installs it)"), .timeLimit(.minutes(2)))
    func topDrillDown() throws {
        let cpu = ProcessInfo.processInfo.activeProcessorCount > 1 ? 1 : 0
        let parent = try CgroupFileOverride(path: Self.dockerBudgetFile, value: "200000")
        defer { parent.restore() }
        let name = TestEnvironment.uniqueName("rt-top")
        let id = try Self.startContainer(
            name: name, options: ["--cap-add", "SYS_NICE", "--cpu-rt-runtime", "100000"],
            arguments: ["loop", String(cpu), "15"])
        defer { _ = try? Shell.run(["docker", "rm", "-f", id]) }
        try #require(try Self.waitForLog(id, containing: "looping").contains("looping"))
        let tmux = try TmuxSession(name: TestEnvironment.uniqueName("rt-top"), columns: 200)
        defer { tmux.kill() }
        try tmux.type("\(TestEnvironment.periscopeBinary) top -d 1 --filter \(name)")
        try tmux.send("Enter")
        _ = try tmux.waitFor { $0.contains(name) && $0.contains("THR%") }
        try tmux.send("Enter")
        // The thread's rates need two frames of the drill-down.
        let screen = try tmux.waitFor { $0.contains("RT rtprobe TID") && $0.contains("ms/s runnable") }
        #expect(screen.contains("RT budget 100000/1000000 µs (10.0% of each CPU)  parents: /docker 200000/1000000 µs"))
        let line = try #require(screen.split(separator: "\n").first { $0.contains("RT rtprobe TID") })
        #expect(line.contains("SCHED_FIFO 10 pinned to CPU \(cpu)"))
        try tmux.send("q")
        _ = try tmux.waitFor { _ in try !tmux.alternateScreenIsOn() }
    }
}

/// What the real-time tests need from this machine.
enum RealTimeEnvironment {
    static let gcc = ["/usr/bin/gcc", "/usr/local/bin/gcc"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Docker's parent cgroup in the v1 cpu hierarchy, where `dockerd --cpu-rt-runtime` writes.
    static let dockerBudgetFile = "/sys/fs/cgroup/cpu/docker/cpu.rt_runtime_us"
    static let available =
        TestEnvironment.dockerAvailable && gcc != nil && FileManager.default.fileExists(atPath: dockerBudgetFile)
    static let reason: Comment =
        "needs root, Docker with the periscope-test image (scripts/test-setup.sh), gcc, and RT group scheduling (a cgroup v1 cpu hierarchy with cpu.rt_runtime_us under /docker)"
}
