import Foundation
import KernelTrace
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Container context and `--container` filtering on the real kernel with real containers.
@Suite(.serialized, .live(if: TraceTestEnvironment.dockerAvailable, TraceTestEnvironment.dockerReason))
struct TraceContainerLiveTests {
    /// Replays a trace through the thread tracker and returns, per event, its container name.
    struct ContainerReplay: EventConsumer {
        let tracker: ThreadContextTracker
        var rows: [(name: String, tid: Int32, container: String?, integers: [String: Int64])] = []
        var pidIndex: [Int] = []

        init(reader: PeriscopeTraceReader) {
            tracker = ThreadContextTracker(
                statedump: reader.recordedStatedump, classes: reader.traceDescription.classes)
        }

        mutating func begin(_ trace: TraceDescription) {
            pidIndex = trace.classes.classes.map { $0.fieldIndex(named: "common_pid") ?? -1 }
        }

        mutating func consume(_ record: EventRecord) {
            tracker.observe(record)
            let tid = Int32(truncatingIfNeeded: record.signed(pidIndex[record.classIndex]))
            let container = tracker.context(tid: tid).flatMap { tracker.container(of: $0)?.displayName }
            var integers: [String: Int64] = [:]
            for (index, field) in record.eventClass.fields.enumerated() where field.isScalar && field.scope == .payload
            {
                integers[field.name] = record.signed(index)
            }
            rows.append((record.eventClass.name, tid, container, integers))
        }
    }

    static func replay(_ directory: String) throws -> (PeriscopeTraceReader, ContainerReplay) {
        let reader = try PeriscopeTraceReader(directory: directory)
        var replay = ContainerReplay(reader: reader)
        try reader.run(into: &replay)
        return (reader, replay)
    }

    @Test func aContainersForkedChildrenCarryItsName() throws {
        let container = try TraceTestContainer("forks", command: ["sh", "-c", "while true; do sleep 0.2; done"])
        let output = TraceTestEnvironment.scratchPath("forks")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try TraceShell.periscope(["trace", "record", "-e", "sched", "-d", "2.5", "-o", output])
        #expect(result.status == 0, "\(result.standardError)")
        let (reader, replay) = try Self.replay(output)

        let recorded = try #require(reader.recordedStatedump.containers.first { $0.name == container.name })
        #expect(recorded.id == container.id && recorded.runtime == "docker")
        let initThread = try #require(reader.recordedStatedump.threads.first { $0.tid == container.initPID })
        #expect(
            initThread.container == recorded.key && initThread.vtid == 1
                && initThread.namespaceTIDs == [container.initPID, 1])
        #expect(
            initThread.namespaces["pid"] == recorded.pidNamespace
                && recorded.pidNamespace != reader.recordedStatedump.hostNamespaces["pid"])

        let forks = replay.rows.filter {
            $0.name == "sched_process_fork" && $0.integers["parent_pid"] == Int64(container.initPID)
        }
        #expect(forks.count >= 5, "a fork every 0.2 s for 2.5 s")
        #expect(forks.allSatisfy { $0.container == container.name })
        let children = Set(forks.compactMap { $0.integers["child_pid"].map { Int32($0) } })
        let childExits = replay.rows.filter { $0.name == "sched_process_exit" && children.contains($0.tid) }
        #expect(childExits.count >= 4)
        #expect(childExits.allSatisfy { $0.container == container.name })

        // The same context in `trace dump`.
        let dump = try TraceShell.periscope(["trace", "dump", output, "--container", container.name])
        #expect(dump.status == 0)
        let lines = dump.standardOutput.split(separator: "\n")
        #expect(
            lines.contains {
                $0.contains("sched:sched_process_exit") && $0.contains("container = \"\(container.name)\"")
                    && $0.contains("pid_ns = \(recorded.pidNamespace ?? 0)")
            })
        #expect(lines.allSatisfy { $0.contains("container = \"\(container.name)\"") || $0.contains(" LOST ") })
    }

    @Test func containerFilterKeepsOnlyThatContainersThreads() throws {
        let container = try TraceTestContainer("filtered", command: ["sh", "-c", "while true; do sleep 0.1; done"])
        let output = TraceTestEnvironment.scratchPath("filtered")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let recorder = try TraceShell.spawn(
            [
                TraceTestEnvironment.periscopeBinary, "trace", "record", "-e", "syscalls", "sched",
                "--container", container.name, "-d", "3", "-o", output
            ], standardError: output + ".err")
        defer { unlink(output + ".err") }
        #expect(TraceTestEnvironment.waitForCapture(of: recorder))
        let hostWorkload = try TraceShell.spawn(["dd", "bs=1", "count=2000"], standardInput: "/dev/zero")
        TraceShell.wait(hostWorkload)
        #expect(
            TraceShell.wait(recorder) == 0, "\((try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "")")
        let (reader, replay) = try Self.replay(output)
        #expect(reader.metadata.containerFilter.map(\.name) == [container.name])
        #expect(reader.metadata.containerFilter.map { $0.key?.description } == ["docker:\(container.id)"])
        let syscalls = replay.rows.filter { $0.name == "sys_enter" || $0.name == "sys_exit" }
        #expect(syscalls.count > 20)
        let strays = syscalls.filter { $0.container != container.name }
        #expect(strays.isEmpty, "\(strays.prefix(5).map { "\($0.name) tid \($0.tid) in \($0.container ?? "host")" })")
        // The host's dd shows only where the kernel records an event because its other side
        // is a container thread: dd switching to or waking one.
        #expect(
            !replay.rows.contains {
                $0.tid == hostWorkload && !["sched_switch", "sched_waking", "sched_wakeup"].contains($0.name)
            })
    }

    @Test func aContainerStartedDuringTheTraceIsPickedUp() throws {
        let output = TraceTestEnvironment.scratchPath("late")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let recorder = try TraceShell.spawn([
            TraceTestEnvironment.periscopeBinary, "trace", "record", "-e", "sched", "-d", "6", "-o", output
        ])
        #expect(TraceTestEnvironment.waitForCapture(of: recorder))
        let container = try TraceTestContainer("late", command: ["sh", "-c", "while true; do sleep 0.2; done"])
        #expect(TraceShell.wait(recorder) == 0)
        let (reader, replay) = try Self.replay(output)
        let recorded = try #require(reader.recordedStatedump.containers.first { $0.name == container.name })
        #expect(recorded.firstSeenNs > reader.recordedStatedump.takenAtNs)
        let containerForks = replay.rows.filter {
            $0.name == "sched_process_fork" && $0.integers["parent_pid"] == Int64(container.initPID)
        }
        #expect(!containerForks.isEmpty)
        #expect(containerForks.allSatisfy { $0.container == container.name })
    }
}
