import Foundation
import Testing
@testable import KernelTrace

/// A user-space LTTng trace recorded here (lttng-tools and liblttng-ust from Debian): the libc
/// wrapper traces `ls`'s mallocs and frees, with vpid/vtid/procname contexts and the UST
/// statedump. Every event must decode to what babeltrace2 prints.
@Suite("CTF reader on a recorded LTTng user-space trace", .serialized)
struct CTFReaderUserSpaceTraceTests {
    static let wrapper = "/usr/lib/x86_64-linux-gnu/liblttng-ust-libc-wrapper.so.1"
    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/lttng"), CTFReferenceTraces.babeltraceAvailable,
            FileManager.default.fileExists(atPath: wrapper),
            let result = try? CTFReferenceTraces.run(["/usr/bin/lttng", "list", "-u"])
        else { return false }
        return result.status == 0
    }()
    static let reason: Comment =
        "needs lttng-tools, liblttng-ust1, babeltrace2 and a running lttng-sessiond (scripts/test-setup.sh)"

    @Test(.enabled(if: available, reason))
    func userSpaceTraceMatchesBabeltrace() throws {
        let session = "periscope-it-\(getpid())-ust"
        let output = NSTemporaryDirectory() + session
        defer {
            _ = try? CTFReferenceTraces.run(["/usr/bin/lttng", "destroy", session])
            try? FileManager.default.removeItem(atPath: output)
        }
        for command in [
            ["create", session, "--output", output], ["enable-event", "-u", "-a", "-s", session],
            ["add-context", "-u", "-t", "vpid", "-t", "vtid", "-t", "procname", "-s", session], ["start", session]
        ] {
            let result = try CTFReferenceTraces.run(["/usr/bin/lttng"] + command)
            try #require(result.status == 0, "lttng \(command.joined(separator: " ")): \(result.error)")
        }
        let workload = Process()
        workload.executableURL = URL(fileURLWithPath: "/bin/ls")
        workload.arguments = ["/"]
        workload.environment = ["LD_PRELOAD": Self.wrapper]
        workload.standardOutput = FileHandle.nullDevice
        try workload.run()
        workload.waitUntilExit()
        #expect(try CTFReferenceTraces.run(["/usr/bin/lttng", "stop", session]).status == 0)

        let source = try CTFTraceSource(path: output)
        #expect(source.traceDescription.classes.classes.contains { $0.name == "lttng_ust_libc:malloc" })
        var consumer = RenderingConsumer()
        try source.run(into: &consumer)
        let reference = try CTFReferenceTraces.run(["/usr/bin/babeltrace2", "--clock-seconds", "--no-delta", output])
        let expected = reference.output.split(separator: "\n").compactMap(RenderingConsumer.renderBabeltraceLine)
        #expect(consumer.lines.count == expected.count)
        #expect(consumer.lines.contains { $0.contains(" lttng_ust_libc:malloc ") }, "ls's mallocs were traced")
        let mismatches = zip(consumer.lines.sorted(), expected.sorted()).filter {
            $0 != $1 && !RenderingConsumer.differOnlyByBabeltraceEmptyStringQuirk($0, $1)
        }
        for (mine, theirs) in mismatches.prefix(5) { Issue.record("periscope: \(mine)\nbabeltrace2: \(theirs)") }
        #expect(mismatches.isEmpty)
    }
}
