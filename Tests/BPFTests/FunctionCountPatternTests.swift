import Foundation
import Testing
import TestSupport

@testable import BPF
@testable import Profiling

/// funccount's patterns: which forms mean tracepoints and which mean user functions, what is
/// refused and why, and how wildcards match names.
@Suite struct FunctionCountPatternTests {
    @Test(arguments: [
        ("syscalls:sys_enter_*", "syscalls", "sys_enter_*"),
        ("t:block:*", "block", "*"),
        ("tracepoint:sched:sched_switch", "sched", "sched_switch"),
        ("sched:sched_wak?ng", "sched", "sched_wak?ng")
    ])
    func tracepointForms(text: String, subsystem: String, event: String) throws {
        #expect(
            try FunctionCountPattern(parsing: text)
                == .tracepoint(subsystem: GlobPattern(subsystem), event: GlobPattern(event)))
    }

    @Test(arguments: [
        ("/usr/bin/dockerd:*Container*", "/usr/bin/dockerd", "*Container*"),
        ("u:/lib/libc.so.6:malloc", "/lib/libc.so.6", "malloc"),
        ("uprobe:/opt/app:main", "/opt/app", "main"),
        // The function is what follows the last colon: a path may hold one.
        ("/srv/a:b/app:handle_*", "/srv/a:b/app", "handle_*"),
        // A library's short name, as bcc takes it: found when the probes are resolved.
        ("u:c:malloc", "c", "malloc"),
        ("uprobe:stdc++:_Znwm", "stdc++", "_Znwm")
    ])
    func userFunctionForms(text: String, binary: String, function: String) throws {
        #expect(
            try FunctionCountPattern(parsing: text) == .userFunction(binary: binary, function: GlobPattern(function)))
    }

    @Test(arguments: ["vfs_read", "p:vfs_*", "k:do_sys_open", "kprobe:tcp_sendmsg"])
    func kernelFunctionsAreRefusedForLackOfKprobes(text: String) {
        #expect(throws: FunctionCountError.kernelFunctionsNeedKprobes(pattern: text, kprobesAvailable: false)) {
            try FunctionCountPattern(parsing: text)
        }
        let message = FunctionCountError.kernelFunctionsNeedKprobes(pattern: text, kprobesAvailable: false).description
        #expect(message.contains("this kernel has none"))
        #expect(message.contains("syscalls:sys_enter_*"))
    }

    @Test(arguments: [
        ("", "empty"),
        ("syscalls:", "SUBSYSTEM:EVENT"),
        ("a:b:c", "SUBSYSTEM:EVENT"),
        ("../x:y", "not a tracepoint name"),
        ("t:sched/../..:id", "not a tracepoint name"),
        ("u:c*:malloc", "short name"),
        ("u:../lib/x:malloc", "short name"),
        ("/usr/bin/*:main", "not in the binary's path"),
        ("/usr/bin/dockerd:", "no function"),
        ("u:/usr/bin/dockerd", "BINARY:FUNCTION")
    ])
    func malformedPatternsSayWhy(text: String, reason: String) {
        do {
            _ = try FunctionCountPattern(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            guard case FunctionCountError.badPattern(let pattern, let why) = error else {
                Issue.record("\(text): \(error)")
                return
            }
            #expect(pattern == text)
            #expect(why.contains(reason), "\(why)")
        }
    }

    @Test(arguments: [
        ("*Container*", "github.com/docker/docker/daemon.(*Daemon).ContainerStart", true),
        ("*Container*", "github.com/docker/docker/daemon.(*Daemon).containerStart", false),
        ("sys_enter_*", "sys_enter_read", true),
        ("sys_enter_*", "sys_exit_read", false),
        ("sys_enter_*", "sys_enter_", true),
        ("read", "read", true),
        ("read", "readv", false),
        ("read?", "readv", true),
        ("read?", "read", false),
        ("*", "", true),
        ("", "", true),
        ("", "x", false),
        ("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
        ("*a*b", "xxaxxbxxb", true),
        ("a*", "ba", false)
    ])
    func wildcardsMatchWholeNames(pattern: String, name: String, matches: Bool) {
        #expect(GlobPattern(pattern).matches(name) == matches)
    }

    @Test func fileOffsetComesFromTheSegmentHoldingTheAddress() {
        let segments = [
            ELFSymbolTable.LoadSegment(fileOffset: 0, virtualAddress: 0x400000, fileSize: 0x1000),
            ELFSymbolTable.LoadSegment(fileOffset: 0x1000, virtualAddress: 0x401000, fileSize: 0x2000),
            // A PIE's data segment: offset and address differ by more than the page.
            ELFSymbolTable.LoadSegment(fileOffset: 0x3df0, virtualAddress: 0x4df0, fileSize: 0x230)
        ]
        #expect(UprobeBinary.fileOffset(ofAddress: 0x401136, in: segments) == 0x1136)
        #expect(UprobeBinary.fileOffset(ofAddress: 0x4e00, in: segments) == 0x3e00)
        #expect(UprobeBinary.fileOffset(ofAddress: 0x403000, in: segments) == nil)
        #expect(UprobeBinary.fileOffset(ofAddress: 0x10, in: segments) == nil)
    }

    @Test func tracepointsAreResolvedFromTheEventDirectories() throws {
        let tracefs = NSTemporaryDirectory() + "periscope-funccount-tracefs-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: tracefs) }
        for (subsystem, event) in [
            ("syscalls", "sys_enter_read"), ("syscalls", "sys_enter_write"), ("syscalls", "sys_exit_read"),
            ("block", "block_rq_issue")
        ] {
            let directory = "\(tracefs)/events/\(subsystem)/\(event)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try "1\n".write(toFile: "\(directory)/id", atomically: false, encoding: .utf8)
        }
        // A directory without an id is not an event (tracefs' `enable` and `filter` are files).
        try FileManager.default.createDirectory(
            atPath: "\(tracefs)/events/syscalls/sys_enter_ghost", withIntermediateDirectories: true)

        let resolved = try FunctionCountTargets.resolve(
            try FunctionCountPattern(parsing: "syscalls:sys_enter_*"), rootProcess: nil, place: "the host",
            maximumProbes: 10, tracefs: tracefs)
        #expect(resolved.targets.map(\.name) == ["syscalls:sys_enter_read", "syscalls:sys_enter_write"])
        #expect(resolved.targets.first?.place == .tracepoint(subsystem: "syscalls", event: "sys_enter_read"))

        #expect(throws: FunctionCountError.tooManyProbes(pattern: "*:*", matched: 4, maximum: 3)) {
            try FunctionCountTargets.resolve(
                try FunctionCountPattern(parsing: "*:*"), rootProcess: nil, place: "the host", maximumProbes: 3,
                tracefs: tracefs)
        }
        #expect(throws: FunctionCountError.nothingMatches(pattern: "sched:*", searched: "\(tracefs)/events")) {
            try FunctionCountTargets.resolve(
                try FunctionCountPattern(parsing: "sched:*"), rootProcess: nil, place: "the host", maximumProbes: 3,
                tracefs: tracefs)
        }
    }

    static let gccAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/gcc")

    @Test(
        .installed(
            if: gccAvailable, "needs gcc (scripts/test-setup.sh installs it) to build a binary with known functions"))
    func functionsOfABinaryMatchByNameWithTheirFileOffsets() throws {
        let base = NSTemporaryDirectory() + "periscope-funccount-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer {
            unlink(base + ".c")
            unlink(base)
        }
        try """
        int periscope_counted_call(int x) { return x + 1; }
        int periscope_counted_other(int x) { return x * 2; }
        int unrelated(int x) { return x - 1; }
        int main(int argc, char **argv) { return periscope_counted_call(argc) + periscope_counted_other(argc) + unrelated(argc); }
        """.write(toFile: base + ".c", atomically: false, encoding: .utf8)
        let compiled = try ChildProcess.run(["/usr/bin/gcc", "-O0", "-o", base, base + ".c"])
        try #require(compiled.status == 0, "\(compiled.standardError)")

        let binary = try UprobeBinary(path: base, rootOfProcess: nil, place: "the host")
        let matched = binary.functions(matching: GlobPattern("periscope_counted_*"))
        #expect(matched.map(\.name).sorted() == ["periscope_counted_call", "periscope_counted_other"])
        // The bytes at each file offset are the function's code: gcc -O0 starts every function
        // the same way, so both begin with the same bytes, and main's are not those of data.
        let contents = try [UInt8](Data(contentsOf: URL(fileURLWithPath: base)))
        let prologues = matched.map { Array(contents[Int($0.fileOffset)..<Int($0.fileOffset) + 4]) }
        #expect(prologues.count == 2 && prologues[0] == prologues[1])
        #expect(binary.kernelPath.hasPrefix("/proc/self/fd/"))
        binary.close()
    }

    @Test func aMissingBinarySaysWhereItWasLookedFor() {
        do {
            _ = try UprobeBinary(path: "/nonexistent/periscope-binary", rootOfProcess: nil, place: "the host")
            Issue.record("a missing binary was opened")
        } catch {
            #expect("\(error)".contains("cannot read /nonexistent/periscope-binary in the host"))
            #expect("\(error)".contains("--container NAME"))
        }
    }
}
