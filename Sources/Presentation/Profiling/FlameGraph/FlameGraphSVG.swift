import Profiling

/// A self-contained interactive flame graph, the SVG `flamegraph.pl` draws: click a frame to
/// zoom, "Reset Zoom" to go back, "Search" (or Ctrl-F) for a regular expression with the
/// matched share of samples shown, tooltips with samples and percentage, and `?s=REGEX` in
/// the URL to open with a search applied. No external resources: it opens from a file.
package struct FlameGraphSVG: Sendable {
    /// The SVG document.
    package let bytes: [UInt8]
    /// The frames drawn, the root included.
    package let frameCount: Int
    /// Frames left out for being narrower than the minimum width.
    package let omittedFrameCount: Int
    /// The sum of all counts (the root frame's count).
    package let totalCount: UInt64

    /// Lays out and draws `stacks`. With no counts at all the SVG says so, as flamegraph.pl's does.
    package init(stacks: [FoldedStack], options: FlameGraphOptions = FlameGraphOptions()) {
        self.init(stacks: FlameGraphStacks(stacks), deltas: nil, options: options)
    }

    /// Lays out and draws stacks read for a flame graph (`FlameGraphStacks.read`).
    package init(stacks: FlameGraphStacks, options: FlameGraphOptions = FlameGraphOptions()) {
        self.init(stacks: stacks, deltas: nil, options: options)
    }

    /// A differential flame graph (`flamegraph.pl` on `difffolded.pl` output): widths from
    /// `comparison.stacks`, each frame coloured by the change in its self samples, red where
    /// it grew and blue where it shrank, white when unchanged; tooltips add the change in percent.
    package init(differential comparison: DifferentialStacks, options: FlameGraphOptions = FlameGraphOptions()) {
        self.init(stacks: FlameGraphStacks(comparison.stacks), deltas: comparison.deltas, options: options)
    }

    private init(stacks: FlameGraphStacks, deltas: [Int64]?, options: FlameGraphOptions) {
        let padding = Padding(options)
        let drawable = Double(options.imageWidth) - 2 * padding.x
        let layout = FlameGraphLayout(stacks: stacks, deltas: deltas) { total in
            guard total > 0 else { return 0 }
            switch options.minimumWidth {
            case .pixels(let pixels): return pixels * Double(total) / drawable
            case .percent(let percent): return Double(total) * percent / 100
            }
        }
        totalCount = layout.totalCount
        omittedFrameCount = layout.omittedFrameCount
        var svg = SVGBytes()
        if layout.totalCount == 0 {
            frameCount = 0
            let height = Int(options.fontSize * 5)
            Self.header(&svg, options, width: options.imageWidth, height: height)
            svg.append("<text x=\"")
            svg.append(integer: options.imageWidth / 2)
            svg.append("\" y=\"")
            svg.append(options.fontSize * 2, decimals: 1)
            svg.append(
                "\" text-anchor=\"middle\">ERROR: No valid input provided to periscope flamegraph.</text>\n</svg>\n")
            bytes = svg.bytes
            return
        }
        frameCount = layout.frames.count
        let height = Double(layout.maximumDepth + 1) * Double(options.frameHeight) + padding.top + padding.bottom
        svg.bytes.reserveCapacity(layout.frames.count * 260 + 16_384)
        Self.header(&svg, options, width: options.imageWidth, height: Int(height.rounded(.up)))
        Self.chrome(&svg, options, padding: padding, height: height)
        let widthPerCount = drawable / Double(layout.totalCount)
        let characterWidth = options.fontSize * options.fontWidth
        let frameHeight = Double(options.frameHeight)
        svg.append("<g id=\"frames\">\n")
        for frame in layout.frames {
            let x1 = padding.x + Double(frame.start) * widthPerCount
            let x2 = padding.x + Double(frame.end) * widthPerCount
            let depth = Double(frame.depth)
            let y1 =
                options.inverted
                ? padding.top + depth * frameHeight
                : height - padding.bottom - (depth + 1) * frameHeight + 1
            let y2 =
                options.inverted
                ? padding.top + (depth + 1) * frameHeight - 1
                : height - padding.bottom - depth * frameHeight
            let count = frame.end - frame.start
            let name = ArraySlice(layout.name(of: frame))
            let shownName = Self.strippingAnnotation(name)
            svg.append("<g><title>")
            if frame.depth == 0 {
                svg.append("all (")
            } else {
                svg.append(escaping: shownName)
                svg.append(" (")
            }
            svg.append(grouped: count)
            svg.append(" ")
            svg.append(escaping: options.countName.utf8)
            svg.append(", ")
            if frame.depth == 0 {
                svg.append("100")
            } else {
                svg.append(100 * Double(count) / Double(layout.totalCount), decimals: 2)
            }
            if deltas != nil, frame.depth > 0 {
                svg.append("%; ")
                svg.append(frame.delta > 0 ? "+" : "")
                svg.append(100 * Double(frame.delta) / Double(layout.totalCount), decimals: 2)
            }
            svg.append("%)</title><rect x=\"")
            let roundedX1 = (x1 * 10).rounded() / 10
            svg.append(roundedX1, decimals: 1)
            svg.append("\" y=\"")
            svg.append(y1, decimals: 1)
            svg.append("\" width=\"")
            svg.append((x2 * 10).rounded() / 10 - roundedX1, decimals: 1)
            svg.append("\" height=\"")
            svg.append(y2 - y1, decimals: 1)
            svg.append("\" fill=\"")
            if deltas != nil {
                svg.append(
                    frame.depth == 0 ? "rgb(255,255,255)" : Self.deltaColor(frame.delta, maximum: layout.maximumDelta))
            } else if frame.depth == 0 {
                svg.append("rgb(240,150,60)")
            } else {
                svg.append(options.palette.color(for: name))
            }
            svg.append("\" rx=\"2\" ry=\"2\"/><text x=\"")
            svg.append(x1 + 3, decimals: 2)
            svg.append("\" y=\"")
            svg.append(3 + (y1 + y2) / 2, decimals: 1)
            svg.append("\">")
            let characters = Int((x2 - x1) / characterWidth)
            if characters >= 3 {
                Self.appendLabel(&svg, frame.depth == 0 ? ArraySlice("all".utf8) : shownName, characters: characters)
            }
            svg.append("</text></g>\n")
        }
        svg.append("</g>\n</svg>\n")
        bytes = svg.bytes
    }

    /// flamegraph.pl's `color_scale`: white at no change, up to rgb(255,0,0)-ish red for the
    /// largest growth and blue for the largest reduction.
    static func deltaColor(_ delta: Int64, maximum: Int64) -> String {
        guard maximum > 0, delta != 0 else { return "rgb(255,255,255)" }
        let fraction = Double(maximum - Int64(delta.magnitude)) / Double(maximum)
        let level = Int(210 * fraction)
        return delta > 0 ? "rgb(255,\(level),\(level))" : "rgb(\(level),\(level),255)"
    }

    /// The space around the frames, as flamegraph.pl lays it out.
    private struct Padding {
        let x = 10.0
        let top: Double
        let bottom: Double

        init(_ options: FlameGraphOptions) {
            top = options.fontSize * 3
            bottom = options.fontSize * 2 + 10
        }
    }

    private static func strippingAnnotation(_ name: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        switch FlameGraphPalette.kind(of: name) {
        case .kernel, .jit, .inlined: return name.dropLast(4)
        case .unknown, .user: return name
        }
    }

    /// The name cut to `characters` (counted in Unicode scalars), ending in `..` when cut.
    private static func appendLabel(_ svg: inout SVGBytes, _ name: ArraySlice<UInt8>, characters: Int) {
        if name.count <= characters {
            svg.append(escaping: name)
            return
        }
        if !name.contains(where: { $0 >= 0x80 }) {
            svg.append(escaping: name.prefix(characters - 2))
            svg.append("..")
            return
        }
        let scalars = String(decoding: Array(name), as: UTF8.self).unicodeScalars
        guard scalars.count > characters else {
            svg.append(escaping: name)
            return
        }
        var cut = String.UnicodeScalarView()
        cut.append(contentsOf: scalars.prefix(characters - 2))
        svg.append(escaping: Array(String(cut).utf8))
        svg.append("..")
    }

    private static func header(_ svg: inout SVGBytes, _ options: FlameGraphOptions, width: Int, height: Int) {
        svg.append("<?xml version=\"1.0\" standalone=\"no\"?>\n<svg version=\"1.1\" width=\"")
        svg.append(integer: width)
        svg.append("\" height=\"")
        svg.append(integer: height)
        svg.append("\" onload=\"init(evt)\" viewBox=\"0 0 ")
        svg.append(integer: width)
        svg.append(" ")
        svg.append(integer: height)
        svg.append("\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n")
        svg.append("<!-- Flame graph by periscope (https://github.com/brendangregg/FlameGraph layout). -->\n")
    }

    private static func chrome(_ svg: inout SVGBytes, _ options: FlameGraphOptions, padding: Padding, height: Double) {
        let font = options.fontSize
        let width = Double(options.imageWidth)
        svg.append("<defs>\n<linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">\n")
        svg.append("<stop stop-color=\"")
        svg.append(options.palette.backgroundTop)
        svg.append("\" offset=\"5%\"/>\n<stop stop-color=\"")
        svg.append(options.palette.backgroundBottom)
        svg.append("\" offset=\"95%\"/>\n</linearGradient>\n</defs>\n<style type=\"text/css\">\n")
        svg.append("text { font-family: \"")
        svg.append(escaping: options.fontFamily.filter { $0 != "\"" && $0 != ";" && $0 != "}" }.utf8)
        svg.append("\", sans-serif; font-size: ")
        svg.append(font, decimals: 1)
        svg.append("px; fill: rgb(0,0,0); }\n#title { text-anchor: middle; font-size: ")
        svg.append(font + 5, decimals: 1)
        svg.append(
            """
            px; }
            #search, #ignorecase, #unzoom { cursor: pointer; }
            #search, #ignorecase { opacity: 0.3; }
            #search:hover, #search.active, #ignorecase:hover, #ignorecase.active { opacity: 1; }
            #frames > g:hover > rect { stroke: rgb(0,0,0); stroke-width: 0.5; cursor: pointer; }
            .hide { display: none; }
            .parent { opacity: 0.5; }

            """)
        svg.append("</style>\n<script type=\"text/ecmascript\"><![CDATA[\n")
        svg.append("var xpad = ")
        svg.append(padding.x, decimals: 1)
        svg.append(", characterWidth = ")
        svg.append(font * options.fontWidth, decimals: 2)
        svg.append(", inverted = ")
        svg.append(options.inverted ? "true" : "false")
        svg.append(", nameType = \"")
        svg.append(FlameGraphScript.quoted(options.nameType))
        svg.append("\";\n")
        svg.append(FlameGraphScript.source)
        svg.append("]]></script>\n<rect x=\"0\" y=\"0\" width=\"")
        svg.append(integer: options.imageWidth)
        svg.append("\" height=\"")
        svg.append(height, decimals: 1)
        svg.append("\" fill=\"url(#background)\"/>\n<text id=\"title\" x=\"")
        svg.append(width / 2, decimals: 1)
        svg.append("\" y=\"")
        svg.append(font * 2, decimals: 1)
        svg.append("\">")
        svg.append(escaping: options.effectiveTitle.utf8)
        svg.append("</text>\n<text id=\"details\" x=\"")
        svg.append(padding.x, decimals: 1)
        svg.append("\" y=\"")
        svg.append(height - padding.bottom / 2, decimals: 1)
        svg.append("\"> </text>\n<text id=\"unzoom\" class=\"hide\" x=\"")
        svg.append(padding.x, decimals: 1)
        svg.append("\" y=\"")
        svg.append(font * 2, decimals: 1)
        svg.append("\">Reset Zoom</text>\n<text id=\"search\" x=\"")
        svg.append(width - padding.x - 100, decimals: 1)
        svg.append("\" y=\"")
        svg.append(font * 2, decimals: 1)
        svg.append("\">Search</text>\n<text id=\"ignorecase\" x=\"")
        svg.append(width - padding.x - 16, decimals: 1)
        svg.append("\" y=\"")
        svg.append(font * 2, decimals: 1)
        svg.append("\">ic</text>\n<text id=\"matched\" x=\"")
        svg.append(width - padding.x - 100, decimals: 1)
        svg.append("\" y=\"")
        svg.append(height - padding.bottom / 2, decimals: 1)
        svg.append("\"> </text>\n")
    }
}

extension FlameGraphPalette {
    /// The top colour of the background gradient (flamegraph.pl's per-palette choice).
    var backgroundTop: String {
        switch self {
        case .hot, .java, .io: "#eeeeee"
        case .mem: "#eef2ee"
        }
    }

    /// The bottom colour of the background gradient.
    var backgroundBottom: String {
        switch self {
        case .hot, .java: "#eeeeb0"
        case .mem: "#e0ffe0"
        case .io: "#e0e0ff"
        }
    }
}
