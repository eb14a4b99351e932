import ContainerInventory
import KernelTrace
import Testing
@testable import TraceAnalysis

/// `analyze --container` names a trace's containers by `ContainerMatcher`'s rule: a value that
/// names none, or several, is an error instead of empty tables.
@Suite("analyze --container")
struct AnalysisContainerFilterTests {
    /// nginx in `web` (id abc123...), redis in `abc` (id def456...), backup on the host.
    func trace() -> SyntheticTrace {
        var trace = SyntheticTrace(style: .ftrace)
        trace.statedump = Statedump(
            threads: [
                StatedumpThread(tid: 100, pid: 100, ppid: 1, comm: "nginx", namespacePIDs: [100, 1], containerIndex: 0),
                StatedumpThread(tid: 200, pid: 200, ppid: 1, comm: "redis", namespacePIDs: [200, 1], containerIndex: 1),
                StatedumpThread(tid: 300, pid: 300, ppid: 1, comm: "backup")
            ],
            containers: [
                StatedumpContainer(
                    runtime: "docker", id: "abc123" + String(repeating: "0", count: 58), name: "web",
                    pidNamespace: 4026532572),
                StatedumpContainer(
                    runtime: "docker", id: "def456" + String(repeating: "0", count: 58), name: "abc",
                    pidNamespace: 4026532573)
            ])
        trace.schedSwitch(at: 1 * millisecond, cpu: 0, prev: (0, "swapper/0"), next: (100, "nginx"))
        trace.schedSwitch(at: 11 * millisecond, cpu: 0, prev: (100, "nginx"), prevState: 1, next: (200, "redis"))
        trace.schedSwitch(at: 21 * millisecond, cpu: 0, prev: (200, "redis"), prevState: 1, next: (300, "backup"))
        trace.schedSwitch(at: 31 * millisecond, cpu: 0, prev: (300, "backup"), prevState: 1, next: (0, "swapper/0"))
        return trace
    }

    func run(_ containers: Set<String>) throws -> AnalysisReport {
        var options = AnalysisOptions()
        options.filter.containers = containers
        return try TraceAnalysisRunner.run(.cputop, source: trace(), options: options)
    }

    @Test(arguments: ["web", "abc1", "docker:abc123" + String(repeating: "0", count: 58), "host"])
    func oneContainer(query: String) throws {
        #expect(try run([query]).table("per-tid")?.rows.count == 1)
    }

    @Test func noMatchIsAnError() throws {
        #expect(
            throws: ContainerMatchError.notFound(query: "nosuch", known: ["web", "abc"], scope: .recorded("the trace"))
        ) { try run(["nosuch"]) }
        // Two characters are no id prefix.
        #expect(throws: ContainerMatchError.self) { try run(["ab"]) }
    }

    /// `abc` is one container's name and the other's id prefix: the replay kept both, so it
    /// is ambiguous rather than silently widened.
    @Test func nameAndAnotherIdPrefixIsAmbiguous() throws {
        do {
            _ = try run(["abc"])
            Issue.record("abc should be ambiguous")
        } catch let error as ContainerMatchError {
            guard case .ambiguous(let query, let candidates, .recorded("the trace")) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(query == "abc" && candidates.count == 2)
        }
    }
}
