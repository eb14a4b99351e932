import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `periscope profile --container` against a real container running a C program that exists
/// only inside it, with distinctively named hot functions and a fake JIT that writes its perf
/// map under the PID it has in its own PID namespace (1), not the host PID.
@Suite("profile a real container", .serialized)
struct ProfileDockerTests {
    static let gcc = ["/usr/bin/gcc", "/usr/local/bin/gcc"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isX86_64: Bool {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } == "x86_64"
    }
    static let available = TestEnvironment.dockerAvailable && gcc != nil && isX86_64

    /// Three hot functions running the same two-instruction loop 3:1:1 times, so CPU time
    /// splits 60/20/20 whatever the machine's speed; the third is JIT code in anonymous memory.
    static let program = #"""
        #define _GNU_SOURCE
        #include <stdio.h>
        #include <string.h>
        #include <sys/mman.h>
        #include <unistd.h>

        #define UNIT 4000000L

        __attribute__((noinline)) void periscope_hot_alpha(long n) { __asm__ volatile("1: dec %0\n jnz 1b" : "+r"(n)); }
        __attribute__((noinline)) void periscope_hot_beta(long n) { __asm__ volatile("1: dec %0\n jnz 1b" : "+r"(n)); }

        /* mov rcx, rdi; 1: dec rcx; jnz 1b; ret */
        static const unsigned char jit_code[] = {0x48, 0x89, 0xf9, 0x48, 0xff, 0xc9, 0x75, 0xfb, 0xc3};

        int main(void) {
            unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (code == MAP_FAILED) return 1;
            memcpy(code, jit_code, sizeof jit_code);
            if (mprotect(code, 4096, PROT_READ | PROT_EXEC) != 0) return 2;
            char path[64];
            snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
            FILE *map = fopen(path, "w");
            if (map == NULL) return 3;
            fprintf(map, "%lx %zx jit_periscope_hot_gamma\n", (unsigned long)code, sizeof jit_code);
            fclose(map);
            void (*gamma)(long) = (void (*)(long))code;
            for (;;) {
                periscope_hot_alpha(3 * UNIT);
                periscope_hot_beta(UNIT);
                gamma(UNIT);
            }
        }
        """#

    /// Compiles the program (static: the image is busybox only), copies it into a created
    /// container, deletes the host copy, and starts the container.
    static func startHotContainer(name: String) throws -> (id: String, pid: Int32) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-hotloop-\(getpid())")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try program.write(toFile: "\(directory)/hotloop.c", atomically: true, encoding: .utf8)
        // -O0 keeps a frame in every function, so frame-pointer call chains name them all.
        try Shell.check([
            gcc!, "-O0", "-fno-omit-frame-pointer", "-static", "-o", "\(directory)/periscope-hotloop",
            "\(directory)/hotloop.c"
        ])
        _ = try? Shell.run(["docker", "rm", "-f", name])
        let id = try Shell.check(["docker", "create", "--name", name, TestEnvironment.testImage, "/periscope-hotloop"])
        try Shell.check(["docker", "cp", "\(directory)/periscope-hotloop", "\(id):/periscope-hotloop"])
        try FileManager.default.removeItem(atPath: "\(directory)/periscope-hotloop")
        try Shell.check(["docker", "start", id])
        let pidText = try Shell.check(["docker", "inspect", "--format", "{{.State.Pid}}", id])
        guard let pid = Int32(pidText), pid > 1 else { throw CocoaError(.fileReadCorruptFile) }
        // Wait for the perf map: the program writes it before its loop.
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: "/proc/\(pid)/root/tmp/perf-1.map") {
            usleep(50_000)
        }
        return (id, pid)
    }

    struct Shares {
        var total: UInt64 = 0
        var byFunction: [String: UInt64] = [:]
        var rootFrames: Set<String> = []

        init(folded: String, functions: [String]) {
            for line in folded.split(separator: "\n") {
                guard let space = line.lastIndex(of: " "), let count = UInt64(line[line.index(after: space)...]) else {
                    continue
                }
                let frames = line[..<space].split(separator: ";").map(String.init)
                rootFrames.insert(frames.first ?? "")
                total += count
                for function in functions where frames.contains(function) { byFunction[function, default: 0] += count }
            }
        }

        func share(_ function: String) -> Double {
            total == 0 ? 0 : Double(byFunction[function, default: 0]) / Double(total)
        }
    }

    func profile(name: String, extra: [String]) throws -> (shares: Shares, report: [String: Any]) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-profile-\(getpid())-\(extra.count).folded"
        ).path
        defer { unlink(output) }
        let result = try Shell.periscope(["profile", "--container", name, "-d", "3", "-o", output, "--json"] + extra)
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
        let folded = try String(contentsOfFile: output, encoding: .utf8)
        return (
            Shares(
                folded: folded, functions: ["periscope_hot_alpha", "periscope_hot_beta", "jit_periscope_hot_gamma_[j]"]),
            report
        )
    }

    @Test(
        "hot functions of a container-only binary and its JIT frames appear under the container's root frame with their share",
        .live(
            if: available, "needs root, Docker with the periscope-test image (scripts/test-setup.sh), gcc and x86-64"),
        .timeLimit(.minutes(3)))
    func hotFunctionsUnderContainerRoot() throws {
        let name = TestEnvironment.uniqueName("profile-hot")
        let started = try Self.startHotContainer(name: name)
        defer { _ = try? Shell.run(["docker", "rm", "-f", started.id]) }
        #expect(
            !FileManager.default.fileExists(atPath: "/periscope-hotloop"),
            "the binary must exist only inside the container")
        #expect(
            !FileManager.default.fileExists(atPath: "/tmp/perf-\(started.pid).map"),
            "no host-side perf map under the host PID")

        for (extra, scoped) in [([String](), true), (["--no-cgroup-scope"], false)] {
            let (shares, report) = try profile(name: name, extra: extra)
            #expect(report["cgroupScoped"] as? Bool == scoped, "\(report["sampled"] ?? "")")
            #expect(
                shares.rootFrames == [name], "every stack starts at the container's root frame: \(shares.rootFrames)")
            // 3 s at 99 Hz of one busy thread is ~300 samples; a loaded 2-CPU machine gives less.
            #expect(shares.total >= 60, "only \(shares.total) samples")
            #expect(
                (0.45...0.75).contains(shares.share("periscope_hot_alpha")),
                "alpha \(shares.share("periscope_hot_alpha")) of \(shares.total)")
            #expect(
                (0.10...0.30).contains(shares.share("periscope_hot_beta")),
                "beta \(shares.share("periscope_hot_beta")) of \(shares.total)")
            #expect(
                (0.10...0.30).contains(shares.share("jit_periscope_hot_gamma_[j]")),
                "JIT \(shares.share("jit_periscope_hot_gamma_[j]")) of \(shares.total)")
            #expect((report["jitFrames"] as? Int ?? 0) > 0)
            #expect(report["samplesLost"] as? Int == 0)
        }
    }
}
