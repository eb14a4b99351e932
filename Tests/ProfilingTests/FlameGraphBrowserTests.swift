import Foundation
import Testing
import TestSupport
@testable import Presentation
@testable import Profiling

/// The SVG in a real browser: headless Chromium renders it, runs its script, and the
/// screenshot shows the search highlight where `?s=` put it.
@Suite("flame graph in headless Chromium", .serialized)
struct FlameGraphBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs Chromium headless with `arguments` and returns its standard output.
    static func chromium(_ arguments: [String]) throws -> String {
        defer { try? FileManager.default.removeItem(atPath: "\(NSTemporaryDirectory())periscope-chromium-\(getpid())") }
        return try SpawnedChild.run(
            [
                chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=\(NSTemporaryDirectory())periscope-chromium-\(getpid())"
            ] + arguments)
    }

    static func isSearchMagenta(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Bool { r == 230 && g == 0 && b == 230 }

    @Test(
        "?s=needle highlights exactly the matching frame (75% of the width) and reads Matched: 75.0%",
        .installed(if: chromium != nil, "needs chromium (Debian package chromium; scripts/test-setup.sh installs it)"),
        .timeLimit(.minutes(2)))
    func searchInBrowser() throws {
        var options = FlameGraphOptions()
        options.imageWidth = 1200
        let graph = FlameGraphSVG(
            stacks: try FoldedStacks.parse(Array("main;needle_func 3\nmain;other 1\n".utf8)).stacks, options: options)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-browser-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("graph.svg")
        try Data(graph.bytes).write(to: svg)

        let searched = directory.appendingPathComponent("searched.png").path
        let plain = directory.appendingPathComponent("plain.png").path
        _ = try Self.chromium(["--window-size=1200,200", "--screenshot=\(searched)", svg.absoluteString + "?s=needle"])
        _ = try Self.chromium(["--window-size=1200,200", "--screenshot=\(plain)", svg.absoluteString])
        let highlighted = try PNGImage(Array(Data(contentsOf: URL(fileURLWithPath: searched))))
        let untouched = try PNGImage(Array(Data(contentsOf: URL(fileURLWithPath: plain))))

        #expect(untouched.count(where: Self.isSearchMagenta) == 0, "no highlight without a search")
        // 1180 drawable pixels; needle_func has 3 of 4 samples: 885 px wide, less its label and border.
        let run = highlighted.widestRun(where: Self.isSearchMagenta)
        #expect((820...890).contains(run), "highlight \(run) px wide")
        // Only one frame row is highlighted: the frame height is 16 px.
        let rows = (0..<highlighted.height).filter { y in
            (0..<highlighted.width).contains { x in
                let pixel = highlighted.pixels[y * highlighted.width + x]
                return Self.isSearchMagenta(pixel.0, pixel.1, pixel.2)
            }
        }
        #expect((10...16).contains(rows.count), "\(rows.count) highlighted rows")

        let dom = try Self.chromium(["--dump-dom", svg.absoluteString + "?s=needle"])
        #expect(dom.contains("Matched: 75.0%"), "the matched readout after the script ran")
    }

    @Test(
        "a differential graph renders red for growth and blue for reduction in the browser",
        .installed(if: chromium != nil, "needs chromium (Debian package chromium; scripts/test-setup.sh installs it)"),
        .timeLimit(.minutes(2)))
    func differentialColours() throws {
        let before = try FoldedStacks.parse(Array("main;grew 10\nmain;shrank 10\n".utf8))
        let after = try FoldedStacks.parse(Array("main;grew 30\nmain;shrank 2\n".utf8))
        let graph = FlameGraphSVG(differential: DifferentialStacks(before: before, after: after))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-browser-diff-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("diff.svg")
        try Data(graph.bytes).write(to: svg)
        let png = directory.appendingPathComponent("diff.png").path
        _ = try Self.chromium(["--window-size=1200,200", "--screenshot=\(png)", svg.absoluteString])
        let image = try PNGImage(Array(Data(contentsOf: URL(fileURLWithPath: png))))
        // grew: +20 of 32, the largest change: pure red. shrank: -8: rgb(126,126,255).
        #expect(image.widestRun { $0 == 255 && $1 == 0 && $2 == 0 } > 1000)
        #expect(image.widestRun { $0 == 126 && $1 == 126 && $2 == 255 } > 40)
    }
}
