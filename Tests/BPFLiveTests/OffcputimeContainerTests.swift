import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// offcputime against a real container whose only binary with symbols exists inside it: a
/// process sleeping in nanosleep and one blocked reading a pipe show both waits, kernel and
/// user stacks, with user frames named from the container's copy of the binary.
@Suite(.serialized) struct OffcputimeContainerTests {
    static let gcc = ["/usr/bin/gcc", "/usr/local/bin/gcc"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let available = BPFTestEnvironment.dockerAvailable && gcc != nil
    static let reason: Comment =
        "needs root, tracefs, Docker with the periscope-test image (scripts/test-setup.sh) and gcc"

    struct Report: Decodable {
        struct Stack: Decodable {
            var container: String?
            var pid: Int32
            var command: String
            var userFrames: [String]
            var kernelFrames: [String]
            var microseconds: Double
        }

        var container: String?
        var totalMicroseconds: Double
        var stacks: [Stack]

        /// The off-CPU µs of stacks whose user frames hold `user` and a kernel frame's name holds `kernel`.
        func microseconds(user: String, kernel: String) -> Double {
            stacks.filter { stack in
                stack.userFrames.contains(user) && stack.kernelFrames.contains { $0.contains(kernel) }
            }.reduce(0) { $0 + $1.microseconds }
        }
    }

    /// The busybox of the test image is stripped, so the waits run in a static test program
    /// compiled with frame pointers: the parent sleeps 20 ms in nanosleep then writes a byte
    /// to a pipe, the child blocks reading it. Each named function calls a helper before libc,
    /// so a frame-pointer walk (which skips the frame of the function that called the leaf
    /// libc routine) still passes through the named one.
    static let program = #"""
        #include <time.h>
        #include <unistd.h>

        static int pipe_fds[2];

        __attribute__((noinline)) static void wait_for_byte(void) {
            char byte;
            if (read(pipe_fds[0], &byte, 1) != 1) _exit(0);
        }

        __attribute__((noinline)) void periscope_offcpu_pipe_reader(void) {
            for (;;) wait_for_byte();
        }

        __attribute__((noinline)) static void sleep_20ms(void) {
            struct timespec pause = {0, 20 * 1000 * 1000};
            nanosleep(&pause, 0);
        }

        __attribute__((noinline)) void periscope_offcpu_sleeper(void) {
            for (;;) {
                sleep_20ms();
                if (write(pipe_fds[1], "x", 1) != 1) _exit(1);
            }
        }

        int main(void) {
            if (pipe(pipe_fds) != 0) return 1;
            if (fork() == 0) periscope_offcpu_pipe_reader();
            periscope_offcpu_sleeper();
            return 0;
        }
        """#

    /// Containers (named `periscope-it-17a-*`) removed when the test ends.
    final class Containers {
        var names: [String] = []
        deinit { for name in names { _ = try? BPFTestEnvironment.run(["docker", "rm", "-f", name]) } }

        /// Compiles the program, copies it into a created container, deletes the host copy
        /// (so only the container's copy can name the frames) and starts the container.
        func startWaiter(_ base: String) throws -> String {
            let name = "periscope-it-17a-\(getpid())-\(base)"
            _ = try? BPFTestEnvironment.run(["docker", "rm", "-f", name])
            let directory = BPFTestEnvironment.scratchPath("offcpu")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try program.write(toFile: "\(directory)/waiter.c", atomically: true, encoding: .utf8)
            try check([
                gcc ?? "gcc", "-O0", "-fno-omit-frame-pointer", "-static", "-o", "\(directory)/periscope-offcpu",
                "\(directory)/waiter.c"
            ])
            names.append(name)
            try check(["docker", "create", "--name", name, BPFTestEnvironment.testImage, "/periscope-offcpu"])
            try check(["docker", "cp", "\(directory)/periscope-offcpu", "\(name):/periscope-offcpu"])
            try FileManager.default.removeItem(atPath: "\(directory)/periscope-offcpu")
            try check(["docker", "start", name])
            return name
        }

        /// The container's host PIDs (`docker top`).
        func pids(_ name: String) throws -> Set<Int32> {
            let text = try check(["docker", "top", name, "-o", "pid"])
            return Set(
                text.split(separator: "\n").dropFirst().compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) })
        }

        @discardableResult
        func check(_ arguments: [String]) throws -> String {
            let result = try BPFTestEnvironment.run(arguments)
            guard result.status == 0 else {
                throw CocoaError(
                    .executableLoad,
                    userInfo: [
                        NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")): \(result.standardError)"
                    ])
            }
            return result.standardOutput
        }
    }

    @Test(.live(if: available, reason))
    func sleepAndPipeReadShowBothStacksNamedFromTheContainersBinary() throws {
        let containers = Containers()
        let name = try containers.startWaiter("waiter")
        let pids = try containers.pids(name)
        #expect(pids.count == 2, "docker top \(name): \(pids)")

        let result = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "offcputime", "--container", name, "-d", "3", "--json"
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
        #expect(report.container == name)
        // Only the container's processes: the kernel filters on its PID namespace.
        #expect(!report.stacks.isEmpty)
        #expect(report.stacks.allSatisfy { pids.contains($0.pid) }, "\(report.stacks.map { ($0.pid, $0.command) })")
        #expect(report.stacks.allSatisfy { $0.container == nil })
        // Kernel frames: do_nanosleep; pipe_read (anon_pipe_read from Linux 6.16).
        let sleeping = report.microseconds(user: "periscope_offcpu_sleeper", kernel: "do_nanosleep")
        let reading = report.microseconds(user: "periscope_offcpu_pipe_reader", kernel: "pipe_read")
        let summary = report.stacks.prefix(6).map { "\($0.userFrames) | \($0.kernelFrames): \($0.microseconds)" }
        // Both wait almost all the time: over a 3 s run at least 1 s each, whatever the CPU noise.
        #expect(sleeping >= 1_000_000, "sleeper stacks: \(summary)")
        #expect(reading >= 1_000_000, "pipe reader stacks: \(summary)")
        // The kernel stacks reach the scheduler.
        #expect(report.stacks.contains { $0.kernelFrames.last.map { $0.contains("schedule") } ?? false }, "\(summary)")

        // Folded stacks: root first, command then user then kernel frames marked _[k], in µs.
        let folded = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "offcputime", "--container", name, "-d", "2", "--folded"
        ])
        #expect(folded.status == 0, "\(folded.standardError)")
        let lines = folded.standardOutput.split(separator: "\n")
        #expect(
            lines.contains { line in
                line.hasPrefix("periscope-offcp;") && line.contains(";periscope_offcpu_pipe_reader;")
                    && line.contains("pipe_read_[k];")
            }, "\(lines.prefix(5))")
        #expect(lines.allSatisfy { $0.split(separator: " ").last.flatMap { UInt64($0) } != nil })

        // The flame graph names the same functions.
        let svg = BPFTestEnvironment.scratchPath("offcpu.svg")
        defer { unlink(svg) }
        let graph = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "offcputime", "--container", name, "-d", "2", "--svg", svg
        ])
        #expect(graph.status == 0, "\(graph.standardError)")
        let drawn = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(drawn.contains("<svg"))
        #expect(drawn.contains("Off-CPU Time Flame Graph"))
        #expect(drawn.contains("periscope_offcpu_sleeper"))
        #expect(graph.standardOutput.contains("periscope_offcpu_sleeper"))
    }

    @Test(.live(if: available, reason))
    func everyTaskModeRootsStacksAtTheirContainer() throws {
        let containers = Containers()
        let name = try containers.startWaiter("all")
        let result = try BPFTestEnvironment.run([
            BPFTestEnvironment.periscopeBinary, "offcputime", "-d", "2", "--json"
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
        #expect(report.container == nil)
        let ours = report.stacks.filter { $0.container == name }
        #expect(ours.contains { $0.userFrames.contains("periscope_offcpu_pipe_reader") }, "\(ours.map(\.userFrames))")
        #expect(report.stacks.contains { $0.container == "host" })
    }
}
