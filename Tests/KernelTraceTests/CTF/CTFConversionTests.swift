import Foundation
@testable import KernelTrace
import Testing
import TestSupport

/// `trace convert --to ctf` read back by babeltrace2, the reference CTF decoder.
private let babeltraceAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/babeltrace2")

@Suite(.serialized, .installed(if: babeltraceAvailable, "needs babeltrace2 (scripts/test-setup.sh installs it)"))
struct CTFConversionTests {
    /// A fresh directory path (not created) under /tmp.
    static func scratchPath(_ base: String) -> String {
        "/tmp/periscope-ctf-test-\(getpid())-\(base)-\(UUID().uuidString.prefix(8))"
    }

    /// Writes a synthetic Periscope trace directory (no kernel needed).
    static func writeSyntheticTrace(to directory: String, switches: Int) throws {
        try FileManager.default.createDirectory(atPath: directory + "/formats/sched", withIntermediateDirectories: true)
        try SyntheticTrace.headerPage.write(
            toFile: directory + "/formats/header_page", atomically: false, encoding: .utf8)
        try SyntheticTrace.switchFormat.write(
            toFile: directory + "/formats/sched/sched_switch", atomically: false, encoding: .utf8)
        try SyntheticTrace.execFormat.write(
            toFile: directory + "/formats/sched/sched_process_exec", atomically: false, encoding: .utf8)
        var builder = RingBufferPageBuilder()
        var written = 0
        var page = 0
        while written < switches {
            builder.startPage(timestamp: 1_000_000_000 + UInt64(page) * 10_000_000)
            for _ in 0..<min(50, switches - written) {
                builder.event(
                    delta: 1000,
                    payload: SyntheticTrace.switchPayload(prev: "a\"b", prevPID: 7, next: "idle", nextPID: 0))
                written += 1
            }
            if page == 0 { builder.event(delta: 5, payload: SyntheticTrace.execPayload(filename: "/bin/sh", pid: 7)) }
            page += 1
        }
        builder.finishPage()
        try Data(builder.stream).write(to: URL(fileURLWithPath: directory + "/cpu0.raw"))
        var metadata = SyntheticTrace.metadata(cpus: [0])
        metadata.startNs = 1_000_000_000
        metadata.endNs = 2_000_000_000
        metadata.realtimeOffsetNs = 1_700_000_000_000_000_000
        try TraceDirectoryWriter.writeJSON(metadata, to: directory + "/metadata.json")
        let statedump = RecordedStatedump(
            takenAtNs: 1_000_000_000, hostNamespaces: ["pid": 4026531836],
            containers: [
                RecordedContainer(
                    key: "docker:abc", runtime: "docker", id: "abc", name: "web", image: nil, pidNamespace: 4026532000,
                    namespaces: ["pid": 4026532000], cgroupPath: "/docker/abc", firstSeenNs: 1_000_000_000)
            ],
            threads: [
                RecordedThread(
                    tid: 7, pid: 7, ppid: 1, comm: "sh", namespaceTIDs: [7, 1], namespacePIDs: [7, 1],
                    namespaces: ["pid": 4026532000, "mnt": 4026532001], cgroups: ["0::/docker/abc"],
                    container: "docker:abc",
                    seenAtNs: 1_000_000_000),
                // Found by a rescan half-way through the capture.
                RecordedThread(
                    tid: 9, pid: 9, ppid: 7, comm: "late", namespaceTIDs: [9], namespacePIDs: [9],
                    namespaces: ["pid": 4026531836],
                    cgroups: [], container: nil, seenAtNs: 1_500_000_000)
            ])
        try TraceDirectoryWriter.writeJSON(statedump, to: directory + "/statedump.json")
    }

    @Test func babeltraceReadsTheSameNumberOfEventsWithoutWarnings() throws {
        let input = Self.scratchPath("ctf-in")
        let output = Self.scratchPath("ctf-out")
        defer {
            try? FileManager.default.removeItem(atPath: input)
            try? FileManager.default.removeItem(atPath: output)
        }
        try Self.writeSyntheticTrace(to: input, switches: 5_000)
        let reader = try PeriscopeTraceReader(directory: input)
        let converter = try CTFTraceConverter(reader: reader, outputDirectory: output)
        try converter.convert()
        #expect(converter.writtenEventCount == 5_001)
        let result = try ChildProcess.run(["babeltrace2", output])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == converter.writtenEventCount + converter.statedumpEventCount)
        let firstSwitch = try #require(lines.first { $0.contains(" sched_switch:") })
        #expect(firstSwitch.contains("prev_comm = \"a\\\"b\"") || firstSwitch.contains("prev_comm = \"a\"b\""))
        #expect(
            firstSwitch.contains("prev_tid = 7") && firstSwitch.contains("prev_prio = 20")
                && firstSwitch.contains("next_tid = 0"))
        #expect(
            firstSwitch.contains("vtid = 1") && firstSwitch.contains("pid_ns = 4026532000")
                && firstSwitch.contains("procname = \"sh\""))
        #expect(
            lines.contains {
                $0.contains("lttng_statedump_container") && $0.contains("container_name = \"web\"")
                    && $0.contains("pid_ns = 4026532000")
            })
        #expect(
            lines.contains {
                $0.contains("lttng_statedump_process_pid_ns") && $0.contains("ns_level = 1") && $0.contains("vtid = 1")
            })
        #expect(lines.contains { $0.contains("sched_process_exec") && $0.contains("filename = \"/bin/sh\"") })
        // An LTTng session's layout: lttng-analyses reads the tracer version from OUT/kernel.
        let metadata = try String(contentsOfFile: output + "/kernel/metadata", encoding: .utf8)
        #expect(
            metadata.contains("tracer_name = \"lttng-modules\"") && metadata.contains("domain = \"kernel\"")
                && metadata.contains("tracer_minor = 10"))
        // The whole statedump, the rescan's thread and lttng_statedump_end included, comes before the first event.
        let firstEvent = try #require(lines.firstIndex { !$0.contains(" lttng_statedump_") })
        #expect(lines[firstEvent...].allSatisfy { !$0.contains(" lttng_statedump_") })
        #expect(lines[firstEvent - 1].contains(" lttng_statedump_end:"))
        #expect(
            lines[..<firstEvent].contains { $0.contains("lttng_statedump_process_state") && $0.contains("tid = 9") })
        // With stream intersection (lttng-analyses' default) nothing is cut off.
        let intersected = try ChildProcess.run(["babeltrace2", "--stream-intersection", output])
        #expect(intersected.status == 0 && intersected.standardOutput.split(separator: "\n").count == lines.count)
    }
}
