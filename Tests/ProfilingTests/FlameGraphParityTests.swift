import Foundation
import Testing
import TestSupport
@testable import Presentation
@testable import Profiling
#if canImport(Glibc)
import Glibc
#endif

/// Where Periscope's flame graph must look like flamegraph.pl's: sibling order when names
/// are prefixes of each other, the grey frames, and the case-insensitive search toggle.
/// Compared with flamegraph.pl itself when `PERISCOPE_FLAMEGRAPH_DIR` is set, else with the
/// order it drew for the same input (recorded below).
@Suite("flame graph parity with flamegraph.pl")
struct FlameGraphParityTests {
    /// Names that extend each other (`runc` and `runc:[2:INIT]`, `worker1`, `worker1.5` and
    /// `worker12`), leaves beside extended names (`bash` and `bash-x`), and separators.
    static let folded = """
        runc;main;x 3
        runc:[2:INIT];init 2
        containerd-shim;a 4
        containerd;b 1
        worker1;c 1
        worker12;d 2
        worker1.5 1
        app;b-c;y 1
        app;b;x 1
        bash 1
        bash-x;q 1
        zsh;q 1
        zsh-x 1
        [unknown];- 1
        [unknown];--;k 1

        """

    /// Each row's frame names, left to right, from the root row up.
    static func rows(_ document: SVGDocument) -> [[String]] {
        let byRow = Dictionary(grouping: document.frames, by: \.y)
        return byRow.keys.sorted(by: >).map { y in
            byRow[y]!.sorted { $0.x < $1.x }.map {
                $0.title.replacingOccurrences(of: #" \([^(]*\)$"#, with: "", options: .regularExpression)
            }
        }
    }

    /// What flamegraph.pl (FlameGraph at 41fee1f) drew for `folded`.
    static let flamegraphRows = [
        ["all"],
        [
            "[unknown]", "app", "bash", "bash-x", "containerd-shim", "containerd", "runc:[2:INIT]", "runc",
            "worker1.5", "worker12", "worker1", "zsh-x", "zsh"
        ],
        ["-", "--", "b-c", "b", "q", "a", "b", "init", "main", "d", "c", "q"],
        ["k", "y", "x", "x"]
    ]

    static func periscopeDocument(_ text: String = folded) throws -> SVGDocument {
        SVGDocument(FlameGraphSVG(stacks: try FoldedStacks.parse(Array(text.utf8)).stacks).bytes)
    }

    @Test("siblings whose names extend each other are in flamegraph.pl's order")
    func siblingOrder() throws {
        #expect(Self.rows(try Self.periscopeDocument()) == Self.flamegraphRows)
    }

    @Test(
        "flamegraph.pl draws the same rows",
        .enabled(if: ReferenceScript.flamegraph != nil, Comment(rawValue: ReferenceScript.whyMissing)))
    func siblingOrderAgainstFlamegraphPl() throws {
        let input = NSTemporaryDirectory() + "periscope-parity-\(getpid()).folded"
        try Self.folded.write(toFile: input, atomically: false, encoding: .utf8)
        defer { unlink(input) }
        let reference = SVGDocument(try ReferenceScript.run(ReferenceScript.flamegraph!, [input]))
        #expect(Self.rows(reference) == Self.flamegraphRows)
        #expect(Self.rows(try Self.periscopeDocument()) == Self.rows(reference))
        // Frames flamegraph.pl greys, and [unknown], which it colours like any other frame.
        let ours = try Self.periscopeDocument()
        for name in ["-", "--"] {
            let theirs = reference.frames.first { $0.title.hasPrefix("\(name) (") }?.rect["fill"]
            #expect(ours.frames.first { $0.title.hasPrefix("\(name) (") }?.rect["fill"] == theirs, "\(name)")
        }
        let unknown = try #require(reference.frames.first { $0.title.hasPrefix("[unknown] (") }?.rect["fill"])
        #expect(Self.isHot(unknown), "flamegraph.pl's [unknown] is \(unknown)")
    }

    /// A frame with self samples and children stays one rectangle even when a sibling's name
    /// extends it (flamegraph.pl draws `b` twice here: `b 1` < `b-c;y 1` < `b;x 1`).
    @Test func aFrameEndingStacksAndWithChildrenIsDrawnOnce() throws {
        let rows = Self.rows(try Self.periscopeDocument("a;b 1\na;b-c;y 1\na;b;x 1\n"))
        #expect(rows == [["all"], ["a"], ["b", "b-c"], ["x", "y"]])
    }

    /// flamegraph.pl's hot palette: red 205-255, green 0-230, blue 0-55.
    static func isHot(_ fill: String) -> Bool {
        let parts = fill.dropFirst(4).dropLast().split(separator: ",").compactMap { Int($0) }
        return parts.count == 3 && parts[0] >= 205 && parts[1] <= 230 && parts[2] <= 55
    }

    @Test("separators are flamegraph.pl's flat greys; [unknown] takes the palette's colours")
    func greys() throws {
        let document = try Self.periscopeDocument()
        func fill(_ name: String) -> String? { document.frames.first { $0.title.hasPrefix("\(name) (") }?.rect["fill"] }
        #expect(fill("-") == "rgb(200,200,200)")
        #expect(fill("--") == "rgb(160,160,160)")
        let unknown = try #require(fill("[unknown]"))
        #expect(Self.isHot(unknown), "[unknown] is \(unknown)")
        #expect(FlameGraphPalette.mem.color(for: Array("[libc.so.6]".utf8)).hasPrefix("rgb(0,"))
    }

    @Test("the ic button and Ctrl-I make the search ignore case")
    func ignoreCaseControl() throws {
        let document = try Self.periscopeDocument()
        #expect(document.texts["ignorecase"] == "ic")
        #expect(document.script.contains("new RegExp(term, ignoreCase ? \"i\" : \"\")"))
        #expect(document.script.contains("e.ctrlKey && e.keyCode === 73"))
        #expect(document.script.contains("e.target.id === \"ignorecase\""))
    }
}

/// The toggle run in headless Chromium (in the serialized browser suite: Chromium runs share a
/// profile directory): a page loads the graph in a frame, searches, clicks `ic`, and writes the
/// matched readouts where `--dump-dom` shows them.
extension FlameGraphBrowserTests {
    @Test(
        "NEEDLE matches nothing until ic is clicked, then 75%; a second click turns it off",
        .installed(
            if: Self.chromium != nil, "needs chromium (Debian package chromium; scripts/test-setup.sh installs it)"),
        .timeLimit(.minutes(2)))
    func toggleInBrowser() throws {
        let graph = FlameGraphSVG(
            stacks: try FoldedStacks.parse(Array("main;needle_func 3\nmain;other 1\n".utf8)).stacks)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-browser-ic-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(graph.bytes).write(to: directory.appendingPathComponent("graph.svg"))
        let page = """
            <html><body><iframe id="graph" src="graph.svg" width="1200" height="200"></iframe><pre id="out"></pre>
            <script>
            document.getElementById("graph").onload = function () {
                var view = this.contentWindow, graph = this.contentDocument, out = [];
                function readout() { return graph.getElementById("matched").textContent; }
                view.search("NEEDLE"); out.push("case-sensitive " + readout());
                graph.getElementById("ignorecase").dispatchEvent(new MouseEvent("click", { bubbles: true }));
                out.push("ignoring case " + readout() + " " + graph.getElementById("ignorecase").getAttribute("class"));
                graph.getElementById("ignorecase").dispatchEvent(new MouseEvent("click", { bubbles: true }));
                out.push("case-sensitive again " + readout());
                document.getElementById("out").textContent = out.join(" | ");
            };
            </script></body></html>
            """
        let pagePath = directory.appendingPathComponent("page.html")
        try page.write(to: pagePath, atomically: false, encoding: .utf8)
        let dom = try Self.chromium([
            "--allow-file-access-from-files", "--virtual-time-budget=5000", "--dump-dom", pagePath.absoluteString
        ])
        #expect(
            dom.contains(
                "case-sensitive Matched: 0.0% | ignoring case Matched: 75.0% active | case-sensitive again Matched: 0.0%"
            ), "\(dom.suffix(600))")
    }
}
