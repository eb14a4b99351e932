import Foundation
import Testing
@testable import Profiling

@Suite("PerfScriptFolder")
struct PerfScriptFolderTests {
    static let goldenCases: [(String, String)] =
        PerfFixtures.captures.flatMap { capture in
            ["default", "pid", "tid", "kernel", "jit", "all", "addrs"].map { (capture, $0) }
        } + [("edge-cases", "event-filter-instructions")]

    @Test("fold matches the committed stackcollapse-perf.pl golden", arguments: goldenCases)
    func matchesGolden(capture: String, option: String) throws {
        let folded = PerfScriptFolder.fold(text: try PerfFixtures.input(capture), options: PerfFixtures.options(option))
        let expected = try PerfFixtures.golden(capture, option)
        #expect(lines(folded.text()) == lines(expected))
    }

    @Test(
        "fold matches stackcollapse-perf.pl run now, or the golden when perl or the script is missing",
        arguments: goldenCases)
    func matchesReferenceScript(capture: String, option: String) throws {
        let folded = PerfScriptFolder.fold(text: try PerfFixtures.input(capture), options: PerfFixtures.options(option))
        let expected: [UInt8]
        if let script = ReferenceScript.stackcollapsePerf {
            expected = try ReferenceScript.run(
                script, PerfFixtures.perlArguments(option) + [PerfFixtures.inputPath(capture)])
            print("fold \(capture) --\(option): compared with \(script) run now")
        } else {
            expected = try PerfFixtures.golden(capture, option)
            print("fold \(capture) --\(option): compared with the committed golden (\(ReferenceScript.whyMissing))")
        }
        #expect(lines(folded.text()) == lines(expected))
    }

    @Test func readsAFileInSmallChunksLikeInMemory() throws {
        var folder = PerfScriptFolder()
        try LineChunkReader(chunkBytes: 64).forEachLine(path: PerfFixtures.inputPath("gzip-perl")) {
            folder.consume(line: $0)
        }
        let inMemory = PerfScriptFolder.fold(text: try PerfFixtures.input("gzip-perl"))
        #expect(folder.finish() == inMemory)
        #expect(folder.sampleCount == 592)
    }

    @Test func pidOptionPutsPIDInTheRootFrame() {
        let text = "java 24636/25607 [000] 4794564.109216: 20 cycles:\n\t7f00 main (/usr/bin/java)\n\n"
        #expect(fold(text, PerfScriptFoldOptions(includePID: true)) == ["java-24636;main 20"])
        #expect(fold(text, PerfScriptFoldOptions(includeTID: true)) == ["java-24636/25607;main 20"])
        #expect(fold(text) == ["java;main 20"])
    }

    @Test func withoutPIDInTheHeaderThePIDIsAQuestionMark() {
        let text = "my worker 25607 4794564.109216: 5 cpu-clock:\n\t7f00 run (/bin/w)\n\n"
        #expect(fold(text, PerfScriptFoldOptions(includePID: true)) == ["my_worker-?;run 5"])
        #expect(fold(text, PerfScriptFoldOptions(includeTID: true)) == ["my_worker-?/25607;run 5"])
    }

    @Test func kernelOptionAnnotatesKernelAndModuleFrames() {
        let text = """
            swapper 0/0 [001] 1.5: 7 cpu-clock:
            \tffffffff8103ce3b native_safe_halt+0xb ([kernel.kallsyms])
            \tffffffffc0a01234 nf_hook_slow ([nf_conntrack])
            \tffffffff81aebbfe start_kernel (/lib/modules/6.1/build/vmlinux)
            \t4005 main (/usr/bin/app)


            """
        #expect(
            fold(text, PerfScriptFoldOptions(annotateKernel: true))
                == ["swapper;main;start_kernel_[k];nf_hook_slow_[k];native_safe_halt_[k] 7"])
        #expect(fold(text) == ["swapper;main;start_kernel;nf_hook_slow;native_safe_halt 7"])
    }

    @Test func jitOptionAnnotatesPerfMapFrames() {
        let text =
            "node 10/11 1.5: 3 cycles:\n\t13a8 LazyCompile:~run (/tmp/perf-10.map)\n\t55d0 main (/usr/bin/node)\n\n"
        #expect(fold(text, PerfScriptFoldOptions(annotateJIT: true)) == ["node;main;LazyCompile:~run_[j] 3"])
    }

    @Test func unknownFramesUseTheDSOOrTheAddress() {
        let text = "app 1/2 1.5: 3 cycles:\n\t4a2b [unknown] (/usr/lib/libfoo.so.1)\n\t4a2a [unknown] ([unknown])\n\n"
        #expect(fold(text) == ["app;[unknown];[libfoo.so.1] 3"])
        #expect(
            fold(text, PerfScriptFoldOptions(includeAddresses: true)) == ["app;[unknown <4a2a>];[libfoo.so.1 <4a2b>] 3"]
        )
    }

    @Test func otherEventsThanTheFirstAreDropped() {
        let text = "ab 1/1 1.0: 3 cycles:\n\t1 f (/x)\n\nab 1/1 1.1: 9 instructions:\n\t1 g (/x)\n\n"
        var folder = PerfScriptFolder()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            Array(line.utf8).withUnsafeBytes { folder.consume(line: $0) }
        }
        #expect(folder.finish().stacks.map(\.count) == [3])
        #expect(folder.filteredSampleCount == 1)
        #expect(folder.keptEvent == "cycles")
        #expect(fold(text, PerfScriptFoldOptions(eventFilter: "instructions")) == ["ab;g 9"])
    }

    @Test func aSampleCutBeforeItsBlankLineIsNotCounted() {
        #expect(fold("ab 1/1 1.0: 3 cycles:\n\t1 f (/x)\n") == [])
        #expect(fold("ab 1/1 1.0: 3 cycles:\n\t1 f (/x)\n\n") == ["ab;f 3"])
    }

    @Test func aOneByteCommandIsReadAsThePerlScriptReadsIt() {
        // The Perl pattern wants two bytes of command, so `a 1/1 1.0: 3` takes `3` as the PID.
        #expect(fold("a 1/1 1.0: 3 cycles:\n\t1 f (/x)\n\n") == ["a_1/1_1.0:;f 3"])
    }

    @Test func headerQuirksOfThePerlScript() throws {
        let header = try #require(parseHeader("V8 WorkerThread 24636/25607 [000] 94564.109216: 100 cycles:"))
        #expect(header.0 == "V8 WorkerThread")
        #expect(header.1 == "24636")
        #expect(header.2 == "25607")
        #expect(header.3 == "100")
        #expect(header.4 == "cycles")
        let zeroThread = try #require(parseHeader("swapper     0/0     [001] 1.5:  250000 cycles:ppp: "))
        #expect(zeroThread.1 == nil)
        #expect(zeroThread.2 == "0")
        #expect(zeroThread.4 == "cycles:ppp")
        #expect(parseHeader("\t    ffff main (/x)") == nil)
    }

    private func parseHeader(_ text: String) -> (String, String?, String, String?, String?)? {
        Array(text.utf8).withUnsafeBytes { line in
            guard let header = PerfScriptSampleHeader.parse(line) else { return nil }
            func string(_ range: Range<Int>?) -> String? {
                range.map { String(decoding: line[$0], as: UTF8.self) }
            }
            return (
                string(header.command)!, string(header.processID), string(header.threadID)!,
                string(header.period), string(header.event)
            )
        }
    }

    private func fold(_ text: String, _ options: PerfScriptFoldOptions = PerfScriptFoldOptions()) -> [String] {
        lines(PerfScriptFolder.fold(text: Array(text.utf8), options: options).text()).filter { !$0.isEmpty }
    }
}
