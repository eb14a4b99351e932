import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// biolatency against a real container doing direct I/O: its requests show under its name
/// and its disk, and the run leaves nothing attached.
@Suite(.serialized) struct BiolatencyContainerTests {
    typealias Report = RunqlatContainerTests.Report

    @Test(
        .enabled(
            if: BPFTestEnvironment.canRunDocker && BPFTestEnvironment.canRunBPFTool,
            "needs root, tracefs, Docker with the periscope-test image, and bpftool: run scripts/test-setup.sh"))
    func directIOContainerShowsUnderItsNameAndDisk() throws {
        let workload = RunqlatContainerTests.Workload()
        // O_DIRECT writes bypass the page cache: each is a request this container issues.
        let writer = try workload.start(
            "dio", [], command: "while :; do dd if=/dev/zero of=/data bs=64k count=64 oflag=direct 2>/dev/null; done")
        let disk = try dockerDataDisk()

        let output = BPFTestEnvironment.scratchPath("biolatency.json")
        defer { unlink(output) }
        let pid = try ChildProcess.spawn(
            [BPFTestEnvironment.periscopeBinary, "biolatency", "--per-container", "--disk", "--json"],
            standardOutput: output,
            standardError: output + ".err")
        defer { unlink(output + ".err") }
        var reaped = false
        defer { if !reaped { kill(pid, SIGKILL); ChildProcess.wait(pid) } }
        let programs = try #require(
            try LoadedPrograms.waitForAttachments(of: pid, count: 3), "biolatency did not attach its 3 programs")
        sleep(3)
        kill(pid, SIGINT)
        #expect(ChildProcess.wait(pid) == 0)
        reaped = true
        #expect(try LoadedPrograms.attachments(of: pid).isEmpty)
        #expect(try !LoadedPrograms.anyLoaded(programs))

        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: output)))
        let histograms = try #require(report.intervals.first).histograms
        let ours = try #require(
            histograms.first { $0.container == writer },
            "no histogram for \(writer): \(histograms.map { ($0.container, $0.disk) })")
        #expect(ours.disk == disk)
        // 64 writes of 64 KiB per dd, several dd per second: far more than 50 requests.
        #expect(ours.total >= 50)
    }

    /// The disk holding Docker's data root (/var/lib/docker), as /sys/block names it.
    func dockerDataDisk() throws -> String {
        var info = stat()
        #expect(stat("/var/lib/docker", &info) == 0)
        let major = (info.st_dev >> 8) & 0xfff
        let minor = (info.st_dev & 0xff) | ((info.st_dev >> 12) & 0xfff00)
        let uevent = try String(contentsOfFile: "/sys/dev/block/\(major):\(minor)/uevent", encoding: .utf8)
        let name = try #require(uevent.split(separator: "\n").first { $0.hasPrefix("DEVNAME=") }).dropFirst(
            "DEVNAME=".count)
        // A partition's requests are counted on its whole disk.
        let partitionParent = "/sys/class/block/\(name)/../dev"
        if FileManager.default.fileExists(atPath: "/sys/class/block/\(name)/partition"),
            let parent = try? String(contentsOfFile: partitionParent, encoding: .utf8)
        {
            let whole = try String(
                contentsOfFile: "/sys/dev/block/\(parent.trimmingCharacters(in: .whitespacesAndNewlines))/uevent",
                encoding: .utf8)
            return String(
                try #require(whole.split(separator: "\n").first { $0.hasPrefix("DEVNAME=") }).dropFirst(
                    "DEVNAME=".count))
        }
        return String(name)
    }
}
