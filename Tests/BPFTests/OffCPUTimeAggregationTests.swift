import Foundation
import Presentation
import Profiling
import Testing
import TestSupport

@testable import BPF

/// The parts of offcputime that need no kernel: decoding what the program wrote, merging
/// reads, symbolizing with the profiler's symbolizer, folding and the bcc-shaped listing.
@Suite struct OffCPUTimeAggregationTests {
    static func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }

    @Test func stackTraceValueStopsAtTheFirstZero() {
        let value = Self.littleEndian([UInt64(0xffff_ffff_8100_0010), 0xffff_ffff_8100_0020, 0, 0, 0])
        #expect(BPFMap.stackAddresses(decoding: value) == [0xffff_ffff_8100_0010, 0xffff_ffff_8100_0020])
        // A full stack (127 frames) has no terminating zero; a partial trailing word is ignored.
        let full = Self.littleEndian((1...127).map { UInt64($0) }) + [1, 2, 3]
        #expect(BPFMap.stackAddresses(decoding: full).count == 127)
        #expect(BPFMap.stackAddresses(decoding: []) == [])
    }

    @Test func keyDecodesNegativeStackIDs() throws {
        let bytes = Self.littleEndian([Int32(4321), 4322, -14, 7])
        let key = try #require(OffCPUTimeProbe.Key(bytes: bytes))
        #expect(key == OffCPUTimeProbe.Key(processID: 4321, threadID: 4322, userStackID: -14, kernelStackID: 7))
        #expect(OffCPUTimeProbe.Key(bytes: Array(bytes.prefix(12))) == nil)
    }

    @Test func settingsMatchTheCStruct() {
        let namespace = PIDNamespaceIdentity(device: 4, inode: 4_026_532_839)
        let filtered = OffCPUTimeProbe.settingBytes(pidNamespace: namespace, minimumNanoseconds: 1000)
        #expect(filtered.count == 32)
        #expect(
            filtered == Self.littleEndian([UInt64(4), 4_026_532_839]) + Self.littleEndian([UInt32(1), 0])
                + Self.littleEndian([UInt64(1000)]))
        let everything = OffCPUTimeProbe.settingBytes(pidNamespace: nil, minimumNanoseconds: 0)
        #expect(everything == [UInt8](repeating: 0, count: 32))
    }

    @Test func rawStackBuildsAPerfCallchainAndTellsKernelThreadsFromMissedStacks() throws {
        let stacks: [Int32: [UInt64]] = [1: [0xffff_ffff_8100_0010, 0xffff_ffff_8100_0020], 2: [0x401000, 0x402000]]
        let lookup = { (id: Int32) throws(BPFError) -> [UInt64]? in stacks[id] }
        let user = try OffCPURawStack.from(
            key: .init(processID: 10, threadID: 11, userStackID: 2, kernelStackID: 1), owner: nil, stack: lookup)
        #expect(
            user.callchain == [
                UInt64(bitPattern: -128), 0xffff_ffff_8100_0010, 0xffff_ffff_8100_0020, UInt64(bitPattern: -512),
                0x401000, 0x402000
            ])
        #expect(!user.userStackMissing && !user.kernelStackMissing)
        // -EFAULT: no user memory (a kernel thread), nothing missed.
        let kernelThread = try OffCPURawStack.from(
            key: .init(processID: 2, threadID: 2, userStackID: -14, kernelStackID: 1), owner: nil, stack: lookup)
        #expect(kernelThread.callchain.count == 3)
        #expect(!kernelThread.userStackMissing)
        // -EEXIST (a colliding stack) for both: missed, and shown as such.
        let missed = try OffCPURawStack.from(
            key: .init(processID: 10, threadID: 12, userStackID: -17, kernelStackID: -17), owner: nil, stack: lookup)
        #expect(missed.callchain.isEmpty)
        #expect(missed.userStackMissing && missed.kernelStackMissing)
    }

    @Test func threadsWithTheSameStacksMergeAcrossReads() {
        var totals = OffCPUStackTotals()
        let stack = OffCPURawStack(owner: nil, processID: 10, kernelAddresses: [1], userAddresses: [2])
        totals.add(stack, nanoseconds: 1500)
        totals.add(stack, nanoseconds: 2500)
        totals.add(OffCPURawStack(owner: nil, processID: 11, kernelAddresses: [1], userAddresses: [2]), nanoseconds: 7)
        #expect(totals.nanosecondsByStack[stack] == 4000)
        #expect(totals.processIDs == [10, 11])
        #expect(totals.totalNanoseconds == 4007)
    }

    static func stack(
        _ container: String?, pid: Int32, user: [String], kernel: [String], nanoseconds: UInt64, command: String = "app"
    ) -> OffCPUStack {
        OffCPUStack(
            container: container, containerID: nil, processID: pid, command: command, userFrames: user,
            kernelFrames: kernel, nanoseconds: nanoseconds)
    }

    @Test func foldingMergesBeforeRoundingToMicrosecondsAndMarksKernelFrames() {
        let stacks = [
            // Two processes of one command with the same stack: one line, 600 + 600 ns = 1 µs.
            Self.stack("web", pid: 1, user: ["main", "wait"], kernel: ["do_nanosleep", "schedule"], nanoseconds: 600),
            Self.stack("web", pid: 2, user: ["main", "wait"], kernel: ["do_nanosleep", "schedule"], nanoseconds: 600),
            // Under a microsecond alone: left out.
            Self.stack("web", pid: 1, user: ["main"], kernel: ["pipe_read"], nanoseconds: 999),
            Self.stack(nil, pid: 3, user: ["a;b"], kernel: [], nanoseconds: 2_000_000)
        ]
        let folded = OffCPUStack.folded(stacks)
        let text = String(decoding: FoldedStacks(stacks: folded).text(), as: UTF8.self)
        #expect(text == "app;a_b 2000\nweb;app;main;wait;do_nanosleep_[k];schedule_[k] 1\n")
    }

    @Test func reportListsStacksLikeBccLongestLast() throws {
        let report = OffCPUTimeReport(
            stacks: [
                Self.stack(
                    "web", pid: 7, user: ["main", "sleeper"], kernel: ["sys_nanosleep", "schedule"],
                    nanoseconds: 3_000_000, command: "sleepy"),
                Self.stack(
                    "web", pid: 8, user: [], kernel: ["worker_thread", "schedule"], nanoseconds: 1_000_000,
                    command: "kworker/0:1")
            ], container: nil, containerID: nil, durationSeconds: 1)
        #expect(
            report.text() == """
                    schedule
                    worker_thread
                    -                kworker/0:1 (8) [web]
                        1000

                    schedule
                    sys_nanosleep
                    --
                    sleeper
                    main
                    -                sleepy (7) [web]
                        3000


                """)
        #expect(report.totalMicroseconds == 4000)
        #expect(report.stacks.map(\.pid) == [7, 8])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        let first = try #require((json?["stacks"] as? [[String: Any]])?.first)
        #expect(first["userFrames"] as? [String] == ["main", "sleeper"])
        #expect(first["microseconds"] as? Double == 3000)
        #expect(String(decoding: report.flameGraph(), as: UTF8.self).contains("Off-CPU Time Flame Graph"))
        #expect(
            OffCPUTimeReport(stacks: [], container: "web", containerID: nil, durationSeconds: 1).text()
                == "(no off-CPU time recorded)\n")
    }

    /// Kernel frames through a kallsyms file, user frames of a process that cannot be read as
    /// `[unknown]`; the `_[k]` marks split them.
    @Test func symbolizerSplitsKernelAndUserFrames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("offcpu-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        ffffffff81000000 T schedule
        ffffffff81000100 T do_nanosleep
        ffffffff81000200 T entry_SYSCALL_64
        ffffffff81000300 T __traceiter_sched_switch
        """.write(toFile: "\(directory)/kallsyms", atomically: true, encoding: .utf8)
        let symbolizer = try OffCPUStackSymbolizer(kallsymsPath: "\(directory)/kallsyms", procRoot: directory)
        var totals = OffCPUStackTotals()
        totals.add(
            OffCPURawStack(
                owner: nil, processID: 4242,
                kernelAddresses: [
                    0xffff_ffff_8100_0310, 0xffff_ffff_8100_0010, 0xffff_ffff_8100_0110,
                    0xffff_ffff_8100_0210
                ], userAddresses: [0x401000], userStackMissing: false),
            nanoseconds: 5000)
        totals.add(
            OffCPURawStack(
                owner: nil, processID: 4242, kernelAddresses: [], userAddresses: [],
                userStackMissing: true, kernelStackMissing: true),
            nanoseconds: 1000)
        let stacks = symbolizer.symbolize(totals)
        #expect(stacks.count == 2)
        #expect(stacks[0].kernelFrames == ["entry_SYSCALL_64", "do_nanosleep", "schedule"])
        #expect(stacks[0].userFrames == ["[unknown]"])
        #expect(stacks[0].command == "[pid 4242]")
        #expect(stacks[1].userFrames == ["[missed user stack]"])
        #expect(stacks[1].kernelFrames == ["[missed kernel stack]"])
    }
}

/// The command's argument checks (no privileges needed: validate runs first).
@Suite struct OffcputimeArgumentTests {
    @Test(arguments: [
        (["--folded", "--json"], "give one of --folded, --svg FILE and --json"),
        (["--folded", "--svg", "x.svg"], "give one of --folded, --svg FILE and --json"),
        (["-d", "0"], "-d must be between 0 and 86400 seconds")
    ])
    func conflictingOrBadArgumentsAreRefused(arguments: [String], message: String) throws {
        let result = try ChildProcess.run([BuiltProducts.periscopeBinary, "offcputime"] + arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }

    @Test func helpDescribesEveryOption() throws {
        let result = try ChildProcess.run([BuiltProducts.periscopeBinary, "offcputime", "--help"])
        #expect(result.status == 0)
        for option in ["--container", "-d", "--min-block-time", "--folded", "--svg", "--json", "CAP_BPF", "SIGKILL"] {
            #expect(result.standardOutput.contains(option), "help lacks \(option)")
        }
    }
}
