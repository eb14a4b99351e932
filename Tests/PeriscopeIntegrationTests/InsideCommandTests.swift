import Foundation
import Testing
import TestSupport

/// `periscope inside` run in a real container with --cpus 1.5 --memory 256m --pids-limit 100.
@Suite(.live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason))
struct InsideCommandTests {
    /// Mounts the binary and what a dynamically linked build needs (the Swift runtime and
    /// glibc of this host) into the busybox image, read-only.
    static var mounts: [String] {
        var mounts = ["-v", "\(TestEnvironment.periscopeBinary):/periscope:ro"]
        for directory in ["/opt/swift/usr/lib/swift/linux", "/lib/x86_64-linux-gnu", "/lib64"]
        where FileManager.default.fileExists(atPath: directory) {
            mounts += ["-v", "\(directory):\(directory):ro"]
        }
        return mounts
    }

    @Test("reports the real CPU quota, memory and PIDs limits against nproc, free and /proc/cpuinfo")
    func limits() throws {
        let name = TestEnvironment.uniqueName("inside")
        defer { _ = try? Shell.run(["docker", "rm", "-f", name]) }
        let result = try Shell.run(
            ["docker", "run", "--name", name, "--cpus", "1.5", "--memory", "256m", "--pids-limit", "100"] + Self.mounts
                + [TestEnvironment.testImage, "/periscope", "inside", "--json", "-d", "1s"])
        #expect(result.status == 0 || result.status == 1, "\(result.standardError)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let guest = try #require(object["guest"] as? [String: Any])
        #expect(guest["insideContainer"] as? Bool == true)
        let comparisons = (guest["comparisons"] as? [[String: Any]]) ?? []
        func comparison(_ resource: String) -> [String: Any]? {
            comparisons.first { $0["resource"] as? String == resource }
        }
        let hostCPUs = ProcessInfo.processInfo.activeProcessorCount
        let cpus = try #require(comparison("CPUs"))
        #expect(jsonNumber(cpus["realValue"]) == min(1.5, Double(hostCPUs)))
        func claim(_ tool: String) -> [String: Any]? {
            (cpus["claims"] as? [[String: Any]])?.first { $0["tool"] as? String == tool }
        }
        #expect(jsonNumber(claim("/proc/cpuinfo")?["value"]) == Double(hostCPUs))
        #expect(jsonNumber(claim("nproc")?["value"]) == Double(hostCPUs))
        let memory = try #require(comparison("memory"))
        #expect(jsonNumber(memory["realValue"]) == 268_435_456)
        #expect((memory["consequence"] as? String)?.contains("256.0 MiB") == true)
        #expect(jsonNumber(comparison("PIDs")?["realValue"]) == 100)
        let metrics = (guest["metrics"] as? [[String: Any]]) ?? []
        #expect(
            metrics.contains {
                ($0["source"] as? String)?.hasPrefix("/proc/loadavg") == true && $0["isHostWide"] as? Bool == true
            })
        #expect(
            metrics.contains {
                ($0["source"] as? String)?.hasPrefix("/proc/net/dev") == true && $0["isHostWide"] as? Bool == false
            })
        let diagnosis = try #require(object["diagnosis"] as? [String: Any])
        #expect(diagnosis["viewpoint"] as? String == "guest")
        #expect(((diagnosis["cpuVerdicts"] as? [[String: Any]]) ?? []).count == 1)
    }
}
