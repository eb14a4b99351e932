import Foundation
import Testing

/// `chart`, `diagnose --db`, `stats --db` and `top --db --at` run as the periscope binary on a
/// recording the test writes through the store's API (no containers, no root needed).
@Suite struct HistoryCommandTests {
    typealias R = SyntheticRecording

    /// Runs periscope; returns status, standard output and standard error.
    static func run(_ arguments: [String]) throws -> Shell.Result { try Shell.periscope(arguments) }

    @Test func chartDrawsTheStoredSamplesOfAContainerFoundByAnEarlierName() throws {
        let recording = try R()
        defer { recording.remove() }
        let output = recording.directory + "/cpu.svg"
        let result = try Self.run([
            "chart", "--db", recording.path, "shop-old", "--metric", "cpu", "--since", R.at(0), "--until", R.at(60),
            "--utc", "-o", output
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let svg = try String(contentsOfFile: output, encoding: .utf8)
        let plot = try #require(SVGReading.plotFrames(svg).first)
        let yMaximum = try #require(SVGReading.panelMaxima(svg).first)
        let points = SVGReading.seriesPoints(svg, label: "shop")
        // One rate per pair of samples: 60 points, each the microseconds used that second.
        #expect(points.count == 60)
        for (offset, point) in points.enumerated() {
            let index = offset + 1
            let time = R.start + Double(index)
            let expectedX = plot.left + (time - R.start) / 60 * plot.width
            let expectedCores = Double(R.shopMicroseconds(index)) / 1e6
            let drawnCores = (plot.top + plot.height - point.y) / plot.height * yMaximum
            #expect(abs(point.x - expectedX) < 0.02)
            #expect(
                abs(drawnCores - expectedCores) < 0.0005,
                "second \(index): drawn \(drawnCores), stored \(expectedCores)")
        }
        // Its 0.05-core cap is a dashed line; the UTC axis starts at 03:00.
        #expect(svg.contains("data-label=\"shop limit\""))
        #expect(svg.contains(">03:00:00</text>") || svg.contains(">03:00</text>"))
        #expect(svg.contains(">time (UTC)</text>"))
    }

    @Test func chartOfTheStorageBudgetIsAnHTMLPageWithMarksAndStarts() throws {
        let recording = try R()
        defer { recording.remove() }
        let output = recording.directory + "/storage.html"
        let result = try Self.run([
            "chart", "--db", recording.path, "host", "--metric", "iops,io-latency,starts", "--since", R.at(0),
            "--until", R.at(60), "-o", output
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let html = try String(contentsOfFile: output, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg"))
        let svg = html
        let iops = SVGReading.seriesPoints(svg, label: "host")
        // IOPS, then latency: both panels have 60 host points; IOPS falls (y grows), latency rises.
        #expect(iops.count == 120)
        #expect(iops[59].y > iops[0].y + 50)
        #expect(iops[119].y < iops[60].y - 50)
        // 120 starts, counted as steps; the repeated finding is one mark spanning its run.
        #expect(svg.contains("container starts 120"))
        #expect(svg.components(separatedBy: "class=\"mark-text\"").count == 2)
        #expect(svg.contains("CRITICAL host: IOPS fell to a floor while latency rose"))
    }

    @Test func chartErrorsSayWhatIsWrong() throws {
        let recording = try R()
        defer { recording.remove() }
        let unknownMetric = try Self.run(["chart", "--db", recording.path, "--metric", "cpu,bogus", "--since", R.at(0)])
        #expect(unknownMetric.status != 0)
        #expect(unknownMetric.standardError.contains("unknown metric 'bogus': choose from cpu, throttled, memory"))
        let missing = try Self.run(["chart", "--db", recording.directory + "/none.db", "--since", "-1h"])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("no recording at \(recording.directory)/none.db"))
        #expect(!FileManager.default.fileExists(atPath: recording.directory + "/none.db"))
        let outside = try Self.run([
            "chart", "--db", recording.path, "--since", "2020-01-01T00:00:00Z", "--until", "2020-01-02T00:00:00Z"
        ])
        #expect(outside.status != 0)
        #expect(outside.standardError.contains("no data in \(recording.path) between"))
        let stranger = try Self.run(["chart", "--db", recording.path, "nosuch", "--since", R.at(0), "--until", R.at(60)]
        )
        #expect(stranger.status != 0)
        #expect(stranger.standardError.contains("nosuch"))
        let badTime = try Self.run(["chart", "--db", recording.path, "--since", "yesterday"])
        #expect(badTime.status != 0)
        #expect(badTime.standardError.contains("\"yesterday\" is not a time"))
    }

    @Test func diagnoseReplaysTheWindowWithTheLiveRulesAndOtherThresholds() throws {
        let recording = try R()
        defer { recording.remove() }
        let result = try Self.run([
            "diagnose", "--db", recording.path, "--since", R.at(0), "--until", R.at(60), "shop", "--json"
        ])
        #expect(result.status == 1, "\(result.standardError)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let verdicts = (report["cpuVerdicts"] as? [[String: Any]]) ?? []
        #expect(verdicts.count == 1)
        #expect(verdicts.first?["outcome"] as? String == "cap throttled")
        #expect(verdicts.first?["containerKey"] as? String == R.shop.rawValue)
        // Thresholds work as live: 950 ms/s of throttling is not throttled above 2000 ms/s.
        let relaxed = try Self.run([
            "diagnose", "--db", recording.path, "--since", R.at(0), "--until", R.at(60), "shop", "--json",
            "--threshold", "throttled-ms-per-second=2000"
        ])
        let relaxedReport = try #require(
            try JSONSerialization.jsonObject(with: Data(relaxed.standardOutput.utf8)) as? [String: Any])
        #expect(((relaxedReport["cpuVerdicts"] as? [[String: Any]])?.first?["outcome"] as? String) != "cap throttled")
        // web stopped half way and is still found by name.
        let web = try Self.run([
            "diagnose", "--db", recording.path, "--since", R.at(0), "--until", R.at(30), "web", "--json"
        ])
        #expect(web.status != 2, "\(web.standardError)")
    }

    @Test func statsPrintsTheContainersSeries() throws {
        let recording = try R()
        defer { recording.remove() }
        let result = try Self.run([
            "stats", "web", "--db", recording.path, "--since", R.at(0), "--until", R.at(60), "--json"
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try JSONSchemaCheck.problems(result.standardOutput, schema: "stats-recorded").isEmpty)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let series = (report["series"] as? [[String: Any]]) ?? []
        func points(_ metric: String) -> [Double] {
            ((series.first { $0["metric"] as? String == metric }?["points"] as? [[String: Any]]) ?? []).compactMap {
                $0["value"] as? Double
            }
        }
        #expect(report["name"] as? String == "web")
        // web ran 30 s: gauges at 31 samples, rates between them at 30.
        #expect(points("memory").count == 31)
        #expect(points("cpu").count == 30 && points("cpu").allSatisfy { abs($0 - 0.01) < 1e-9 })
        let text = try Self.run(["stats", "shop", "--db", recording.path, "--since", R.at(0), "--until", R.at(5)])
        #expect(text.standardOutput.contains("CONTAINER shop  \(R.shop.rawValue)"))
        #expect(text.standardOutput.contains("limits  cpu 0.05"))
    }

    @Test func topShowsTheScreenAsItWasAndSteps() throws {
        let recording = try R()
        defer { recording.remove() }
        let result = try Self.run([
            "top", "--db", recording.path, "--at", R.at(20), "--json", "-n", "2", "--step", "30s"
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let frames = try result.standardOutput.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(frames.count == 2)
        func names(_ frame: [String: Any]) -> [String] {
            ((frame["rows"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        }
        // At 03:00:20 web ran; at 03:00:50 it had stopped.
        #expect(names(frames[0]).contains("web") && names(frames[0]).contains("shop"))
        #expect(!names(frames[1]).contains("web") && names(frames[1]).contains("shop"))
        let shop = ((frames[0]["rows"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == "shop" }
        #expect(abs((shop?["cpuUsageCores"] as? Double ?? 0) - Double(R.shopMicroseconds(20)) / 1e6) < 1e-6)
        // -n 0 steps to the end of the recording: 03:00:20, 03:00:40, 03:01:00.
        let all = try Self.run(["top", "--db", recording.path, "--at", R.at(20), "--json", "-n", "0", "--step", "20s"])
        #expect(all.standardOutput.split(separator: "\n").count == 3)
        let batch = try Self.run(["top", "--db", recording.path, "--at", R.at(20), "--batch"])
        #expect(batch.standardOutput.contains("(recorded)"))
        let none = try Self.run(["top", "--db", recording.path, "--at", "2020-01-01T00:00:00Z", "--json"])
        #expect(none.status != 0 && none.standardError.contains("no data in"))
    }
}

/// Reads the chart SVG the binary wrote.
enum SVGReading {
    /// Plot rectangles (the panel backgrounds), top to bottom.
    static func plotFrames(_ svg: String) -> [(left: Double, top: Double, width: Double, height: Double)] {
        svg.split(separator: "\n").filter { $0.hasPrefix("<rect x=") && $0.contains("fill=\"#fafafa\"") }.compactMap {
            line in
            guard let x = attribute(line, "x"), let y = attribute(line, "y"), let width = attribute(line, "width"),
                let height = attribute(line, "height")
            else { return nil }
            return (x, y, width, height)
        }
    }

    /// Each panel's value axis top.
    static func panelMaxima(_ svg: String) -> [Double] {
        svg.split(separator: "\n").filter { $0.hasPrefix("<g class=\"panel\"") }.compactMap {
            attribute($0, "data-y-max")
        }
    }

    /// The points of every series path labelled `label`, in document order.
    static func seriesPoints(_ svg: String, label: String) -> [(x: Double, y: Double)] {
        svg.split(separator: "\n").filter { $0.hasPrefix("<path class=\"series\" data-label=\"\(label)\"") }.flatMap {
            line -> [(x: Double, y: Double)] in
            guard let data = line.split(separator: " d=\"", maxSplits: 1).last?.prefix(while: { $0 != "\"" }) else {
                return []
            }
            let words = data.split(separator: " ")
            var points: [(x: Double, y: Double)] = []
            var index = 0
            while index + 1 < words.count {
                if let first = words[index].first, first == "M" || first == "L",
                    let x = Double(words[index].dropFirst()), let y = Double(words[index + 1])
                {
                    points.append((x, y))
                    index += 2
                } else {
                    index += 1
                }
            }
            return points
        }
    }

    private static func attribute(_ line: Substring, _ name: String) -> Double? {
        guard let range = line.range(of: " \(name)=\"") else { return nil }
        return Double(line[range.upperBound...].prefix { $0 != "\"" })
    }
}
