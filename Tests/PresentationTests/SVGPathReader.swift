/// Reads back what the chart renderers wrote, so tests compare drawn points with input.
enum SVGPathReader {
    /// The `d` attribute of the series path labelled `label` (escaped as in the document).
    static func pathData(in svg: String, label: String) -> String? {
        for line in svg.split(separator: "\n") where line.hasPrefix("<path class=\"series\" data-label=\"\(label)\"") {
            guard let start = line.range(of: " d=\"") else { return nil }
            let rest = line[start.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        return nil
    }

    /// Every series path in document order: its (escaped) label and its `d` attribute.
    static func seriesPaths(in svg: String) -> [(label: String, data: String)] {
        svg.split(separator: "\n").filter { $0.hasPrefix("<path class=\"series\"") }.compactMap { line in
            let label = line.split(separator: "data-label=\"", maxSplits: 1)[1].prefix { $0 != "\"" }
            let data = line.split(separator: " d=\"", maxSplits: 1)[1].prefix { $0 != "\"" }
            return (String(label), String(data))
        }
    }

    /// The points of path data made of `M x y` and `L x y` commands, one array per `M`.
    static func segments(_ data: String) -> [[(x: Double, y: Double)]] {
        var segments: [[(x: Double, y: Double)]] = []
        let words = data.split(separator: " ")
        var index = 0
        while index + 1 < words.count {
            let word = words[index]
            guard let command = word.first, command == "M" || command == "L",
                let x = Double(word.dropFirst()), let y = Double(words[index + 1])
            else {
                index += 1
                continue
            }
            if command == "M" { segments.append([]) }
            segments[segments.count - 1].append((x, y))
            index += 2
        }
        return segments
    }

    /// Every element's text content of `<text ... class="CLASS" ...>` elements.
    static func texts(in svg: String, class name: String) -> [String] {
        svg.split(separator: "\n").filter { $0.hasPrefix("<text") && $0.contains("class=\"\(name)\"") }.compactMap {
            line in
            guard let open = line.firstIndex(of: ">"), let close = line.range(of: "</text>") else { return nil }
            return String(line[line.index(after: open)..<close.lowerBound])
        }
    }
}
