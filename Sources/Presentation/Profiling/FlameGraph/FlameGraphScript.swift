/// The JavaScript of the interactive flame graph, written for Periscope.
///
/// It has flamegraph.pl's controls: click to zoom, Search (Ctrl-F) with a regular expression,
/// `ic` (Ctrl-I) to make the search ignore case, `?s=TERM` in the URL to open searched.
///
/// It keeps each frame's original geometry in a JavaScript object read once at load, so
/// zooming rewrites attributes from numbers rather than parsing them back out of the DOM;
/// labels are cut with the same width estimate the Swift side uses (no text measurement,
/// which is what makes a graph of a hundred thousand frames slow to zoom). The matched share
/// of a search is the union of the matching frames' spans, so a recursive function is not
/// counted twice.
enum FlameGraphScript {
    /// Escapes `text` for a double-quoted JavaScript string inside CDATA.
    static func quoted(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "<", ">", "]": result += "\\u\(hex4(scalar.value))"
            default:
                if scalar.value < 0x20 {
                    result += "\\u\(hex4(scalar.value))"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// The script; it expects `xpad`, `characterWidth`, `inverted` and `nameType` defined before it.
    static let source = """
        "use strict";
        var svg, details, matched, unzoomButton, searchButton, ignoreCaseButton, frames = [], fullWidth = 0;
        var searchColor = "rgb(230,0,230)", searchTerm = null, ignoreCase = false;

        function init(evt) {
            svg = document.documentElement;
            details = document.getElementById("details").firstChild;
            matched = document.getElementById("matched").firstChild;
            unzoomButton = document.getElementById("unzoom");
            searchButton = document.getElementById("search");
            ignoreCaseButton = document.getElementById("ignorecase");
            fullWidth = parseFloat(svg.getAttribute("width")) - 2 * xpad;
            var groups = document.getElementById("frames").children;
            for (var i = 0; i < groups.length; i++) {
                var g = groups[i];
                var rect = g.getElementsByTagName("rect")[0];
                var info = g.getElementsByTagName("title")[0].textContent;
                var frame = {
                    g: g, rect: rect, text: g.getElementsByTagName("text")[0],
                    x: parseFloat(rect.getAttribute("x")), width: parseFloat(rect.getAttribute("width")),
                    y: parseFloat(rect.getAttribute("y")), fill: rect.getAttribute("fill"),
                    info: info, name: info.replace(/ \\([^(]*\\)$/, "")
                };
                frame.label = frame.text.textContent;
                g.periscopeFrame = frame;
                frames.push(frame);
            }
            svg.addEventListener("click", onClick, false);
            svg.addEventListener("mouseover", function (e) {
                var frame = frameOf(e.target);
                if (frame) details.nodeValue = nameType + " " + frame.info;
            }, false);
            svg.addEventListener("mouseout", function (e) {
                if (frameOf(e.target)) details.nodeValue = " ";
            }, false);
            window.addEventListener("keydown", function (e) {
                if (e.keyCode === 114 || (e.ctrlKey && e.keyCode === 70)) {
                    e.preventDefault();
                    askSearch();
                } else if (e.ctrlKey && e.keyCode === 73) {
                    e.preventDefault();
                    toggleIgnoreCase();
                } else if (e.keyCode === 27) {
                    resetSearch();
                    unzoom();
                }
            }, false);
            var term = parameter("s");
            if (term) search(term);
        }

        function parameter(name) {
            var pairs = window.location.search.substring(1).split("&");
            for (var i = 0; i < pairs.length; i++) {
                var pair = pairs[i].split("=");
                if (pair[0] === name && pair.length > 1) return decodeURIComponent(pair.slice(1).join("=").replace(/\\+/g, " "));
            }
            return null;
        }

        function frameOf(node) {
            while (node && node !== svg) {
                if (node.periscopeFrame) return node.periscopeFrame;
                node = node.parentNode;
            }
            return null;
        }

        function onClick(e) {
            var frame = frameOf(e.target);
            if (frame) {
                zoom(frame);
            } else if (e.target.id === "unzoom") {
                unzoom();
            } else if (e.target.id === "search") {
                if (searchTerm === null) askSearch(); else resetSearch();
            } else if (e.target.id === "ignorecase") {
                toggleIgnoreCase();
            }
        }

        function labelFor(frame, width) {
            var characters = Math.floor(width / characterWidth);
            if (characters < 3) return "";
            var name = frame.name;
            if (name.length <= characters) return name;
            return name.substring(0, characters - 2) + "..";
        }

        function place(frame, x, width, state) {
            frame.g.setAttribute("class", state);
            if (state === "hide") return;
            frame.rect.setAttribute("x", x.toFixed(1));
            frame.rect.setAttribute("width", width.toFixed(1));
            frame.text.setAttribute("x", (x + 3).toFixed(2));
            frame.text.textContent = labelFor(frame, width);
        }

        function zoom(target) {
            var xmin = target.x, xmax = target.x + target.width, ratio = fullWidth / target.width, fudge = 0.0001;
            for (var i = 0; i < frames.length; i++) {
                var frame = frames[i];
                var outward = inverted ? frame.y < target.y : frame.y > target.y;
                if (outward) {
                    if (frame.x <= xmin + fudge && frame.x + frame.width + fudge >= xmax) place(frame, xpad, fullWidth, "parent");
                    else place(frame, 0, 0, "hide");
                } else if (frame.x + fudge >= xmin && frame.x + fudge < xmax) {
                    place(frame, xpad + (frame.x - xmin) * ratio, frame.width * ratio, "");
                } else {
                    place(frame, 0, 0, "hide");
                }
            }
            unzoomButton.setAttribute("class", "");
        }

        function unzoom() {
            for (var i = 0; i < frames.length; i++) {
                var frame = frames[i];
                frame.g.setAttribute("class", "");
                frame.rect.setAttribute("x", frame.x.toFixed(1));
                frame.rect.setAttribute("width", frame.width.toFixed(1));
                frame.text.setAttribute("x", (frame.x + 3).toFixed(2));
                frame.text.textContent = frame.label;
            }
            unzoomButton.setAttribute("class", "hide");
        }

        function askSearch() {
            var term = prompt("Search for (a regular expression, e.g. ^ext4_)" + (ignoreCase ? ", ignoring case" : "")
                + "\\nPress Ctrl-I to toggle case sensitivity", searchTerm || "");
            if (term) search(term);
        }

        function search(term) {
            var pattern;
            try {
                pattern = new RegExp(term, ignoreCase ? "i" : "");
            } catch (error) {
                matched.nodeValue = "Bad regular expression";
                return;
            }
            var spans = [];
            for (var i = 0; i < frames.length; i++) {
                var frame = frames[i];
                if (pattern.test(frame.name)) {
                    frame.rect.setAttribute("fill", searchColor);
                    spans.push([frame.x, frame.x + frame.width]);
                } else {
                    frame.rect.setAttribute("fill", frame.fill);
                }
            }
            spans.sort(function (a, b) { return a[0] - b[0]; });
            var covered = 0, end = -Infinity;
            for (var j = 0; j < spans.length; j++) {
                var start = Math.max(spans[j][0], end);
                if (spans[j][1] > start) covered += spans[j][1] - start;
                end = Math.max(end, spans[j][1]);
            }
            var percent = fullWidth > 0 ? 100 * covered / fullWidth : 0;
            searchTerm = term;
            searchButton.setAttribute("class", "active");
            searchButton.firstChild.nodeValue = "Reset Search";
            matched.nodeValue = "Matched: " + (percent > 0 && percent < 0.1 ? percent.toPrecision(2) : percent.toFixed(1)) + "%";
        }

        function toggleIgnoreCase() {
            ignoreCase = !ignoreCase;
            ignoreCaseButton.setAttribute("class", ignoreCase ? "active" : "");
            if (searchTerm !== null) search(searchTerm);
        }

        function resetSearch() {
            for (var i = 0; i < frames.length; i++) frames[i].rect.setAttribute("fill", frames[i].fill);
            searchTerm = null;
            searchButton.setAttribute("class", "");
            searchButton.firstChild.nodeValue = "Search";
            matched.nodeValue = " ";
        }

        """
}

private func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
