import Testing
@testable import Presentation
@testable import Profiling

@Suite("FlameGraphSVG")
struct FlameGraphSVGTests {
    static func stacks(_ text: String) -> [FoldedStack] {
        // Fixed, valid literals: a throw here is a broken test.
        try! FoldedStacks.parse(Array(text.utf8)).stacks
    }

    @Test func isWellFormedXMLWithTheTotalInTheRootFrame() throws {
        let folded = PerfScriptFolder.fold(
            text: try PerfFixtures.input("gzip-perl"),
            options: PerfScriptFoldOptions(annotateKernel: true, annotateJIT: true))
        let graph = FlameGraphSVG(stacks: folded.stacks)
        let document = SVGDocument(graph.bytes)
        #expect(document.parseError == nil)
        #expect(graph.totalCount == folded.totalCount)
        let root = try #require(document.frames.first)
        #expect(root.title == "all (\(grouped(folded.totalCount)) samples, 100%)")
        #expect(root.x == 10 && root.width == 1180)
        #expect(document.frames.count == graph.frameCount)
        #expect(document.texts["title"] == "Flame Graph")
    }

    @Test func searchZoomAndTooltipsAreInTheScript() {
        let document = SVGDocument(FlameGraphSVG(stacks: Self.stacks("a;b 1\n")).bytes)
        #expect(document.script.contains("function search(term)"))
        #expect(document.script.contains("new RegExp(term, ignoreCase ? \"i\" : \"\")"))
        #expect(document.script.contains("\"Matched: \""))
        #expect(document.script.contains("function zoom(target)"))
        #expect(document.script.contains("parameter(\"s\")"))
        #expect(document.root["onload"] == "init(evt)")
        #expect(document.texts["search"] == "Search")
        #expect(document.texts["unzoom"] == "Reset Zoom")
        #expect(document.frames.map(\.title).contains("b (1 samples, 100.00%)"))
    }

    @Test func widthsAndPercentagesFollowTheCounts() throws {
        let document = SVGDocument(FlameGraphSVG(stacks: Self.stacks("main;work 3\nmain;idle 1\n")).bytes)
        let work = try #require(document.frames.first { $0.title.hasPrefix("work ") })
        let idle = try #require(document.frames.first { $0.title.hasPrefix("idle ") })
        #expect(work.title == "work (3 samples, 75.00%)")
        #expect(abs(work.width - 885) < 0.11)
        #expect(abs(idle.width - 295) < 0.11)
        #expect(work.y == idle.y)
    }

    @Test func framesNarrowerThanTheMinimumWidthAreLeftOut() throws {
        var text = "main;hot 100000\n"
        for index in 0..<50 { text += "main;cold\(index) 1\n" }
        let all = FlameGraphSVG(
            stacks: Self.stacks(text),
            options: {
                var o = FlameGraphOptions(); o.minimumWidth = .pixels(0); return o
            }())
        let pruned = FlameGraphSVG(stacks: Self.stacks(text))
        #expect(all.frameCount == 53)
        #expect(pruned.frameCount == 3)
        #expect(pruned.omittedFrameCount == 50)
        let document = SVGDocument(pruned.bytes)
        #expect(document.frames.first?.title == "all (100,050 samples, 100%)")
        var percent = FlameGraphOptions()
        percent.minimumWidth = .percent(50)
        #expect(FlameGraphSVG(stacks: Self.stacks(text), options: percent).frameCount == 3)
    }

    @Test func sharedPrefixesMergeEvenWhenASiblingExtendsAName() {
        let graph = FlameGraphSVG(stacks: Self.stacks("a;b;x 1\na;b-c;y 1\na;b;z 1\n"))
        let titles = SVGDocument(graph.bytes).frames.map(\.title)
        #expect(titles.filter { $0.hasPrefix("b (") } == ["b (2 samples, 66.67%)"])
    }

    @Test func invertedGraphsGrowDownFromTheTop() throws {
        var options = FlameGraphOptions()
        options.inverted = true
        let document = SVGDocument(FlameGraphSVG(stacks: Self.stacks("main;work;leaf 1\n"), options: options).bytes)
        #expect(document.texts["title"] == "Icicle Graph")
        let ys = document.frames.map(\.y)
        #expect(ys == ys.sorted())
        #expect(ys.first == 36)
        let upright = SVGDocument(FlameGraphSVG(stacks: Self.stacks("main;work;leaf 1\n")).bytes).frames.map(\.y)
        #expect(upright == upright.sorted(by: >))
    }

    @Test func namesAreEscapedAndAnnotationsStrippedAndColoured() throws {
        var options = FlameGraphOptions()
        options.countName = "bytes"
        options.title = "a <b> & \"c\""
        let text =
            "app;operator<<&\"x\";do_syscall_64_[k] 2\napp;Interpreter_[j] 1\napp;[unknown] 1\napp;bad\u{1}byte 1\n"
        let document = SVGDocument(FlameGraphSVG(stacks: Self.stacks(text), options: options).bytes)
        #expect(document.parseError == nil)
        #expect(document.texts["title"] == "a <b> & \"c\"")
        let titles = document.frames.map(\.title)
        #expect(titles.contains("operator<<&\"x\" (2 bytes, 40.00%)"))
        #expect(titles.contains("do_syscall_64 (2 bytes, 40.00%)"))
        #expect(titles.contains("bad?byte (1 bytes, 20.00%)"))
        #expect(FlameGraphPalette.kind(of: Array("do_syscall_64_[k]".utf8)) == .kernel)
        #expect(FlameGraphPalette.kind(of: Array("Interpreter_[j]".utf8)) == .jit)
        #expect(FlameGraphPalette.kind(of: Array("[unknown]".utf8)) == .unknown)
        #expect(FlameGraphPalette.kind(of: Array("main".utf8)) == .user)
        let kernel = try #require(document.frames.first { $0.title.hasPrefix("do_syscall_64 ") })
        #expect(kernel.rect["fill"]?.hasSuffix(",0)") == true)
    }

    @Test func noCountsGiveAnErrorImage() {
        let graph = FlameGraphSVG(stacks: [])
        #expect(graph.totalCount == 0)
        #expect(SVGDocument(graph.bytes).parseError == nil)
    }

    @Test("100,000 unique stacks render with the omitted frames counted")
    func manyUniqueStacks() {
        var stacks: [FoldedStack] = []
        stacks.reserveCapacity(100_000)
        for index in 0..<100_000 {
            let frames = ["app", "main", "worker\(index % 7)", "handler\(index % 97)", "leaf\(index)"]
            stacks.append(FoldedStack(frames: frames, count: UInt64(1 + index % 13)))
        }
        let graph = FlameGraphSVG(stacks: stacks)
        #expect(graph.frameCount + graph.omittedFrameCount == 1 + 2 + 7 + 7 * 97 + 100_000)
        #expect(graph.frameCount < 2_000)
    }

    private func grouped(_ value: UInt64) -> String {
        var svg = SVGBytes()
        svg.append(grouped: value)
        return String(decoding: svg.bytes, as: UTF8.self)
    }
}

@Suite("differential flame graphs")
struct DifferentialFlameGraphTests {
    /// The titles and fills FlameGraph's `difffolded.pl before after | flamegraph.pl` draws for
    /// these inputs (checked against the Perl scripts; see scripts/compare-fold.sh for the tools).
    @Test("colours and tooltips match difffolded.pl | flamegraph.pl")
    func matchesFlameGraph() throws {
        let before = try FoldedStacks.parse(Array("main;a 10\nmain;b 10\nmain;c 5\n".utf8))
        let after = try FoldedStacks.parse(Array("main;a 30\nmain;b 2\nmain;d 5\n".utf8))
        let document = SVGDocument(FlameGraphSVG(differential: DifferentialStacks(before: before, after: after)).bytes)
        let drawn = Dictionary(uniqueKeysWithValues: document.frames.map { ($0.title, $0.rect["fill"] ?? "") })
        #expect(
            drawn == [
                "all (37 samples, 100%)": "rgb(255,255,255)",
                "main (37 samples, 100.00%; 0.00%)": "rgb(255,255,255)",
                "a (30 samples, 81.08%; +54.05%)": "rgb(255,0,0)",
                "b (2 samples, 5.41%; -21.62%)": "rgb(126,126,255)",
                "d (5 samples, 13.51%; +13.51%)": "rgb(255,157,157)"
            ])
    }

    @Test("--normalize scales the baseline to the new total; --negate draws the baseline's widths")
    func normalizeAndNegate() throws {
        let before = try FoldedStacks.parse(Array("main;a 5\nmain;b 5\n".utf8))
        let after = try FoldedStacks.parse(Array("main;a 10\nmain;b 10\n".utf8))
        let normalized = DifferentialStacks(before: before, after: after, normalize: true)
        #expect(normalized.deltas == [0, 0])
        #expect(normalized.beforeTotal == 20)
        let negated = DifferentialStacks(before: before, after: after, negate: true)
        #expect(negated.stacks.map(\.count) == [5, 5])
        #expect(negated.deltas == [-5, -5])
    }
}
