/// A `TimeSeriesChart` as one self-contained HTML page: the SVG inline, and a few lines of
/// script that show every line's value at the pointer's time. Nothing is fetched: the page
/// opens offline and can be mailed as one file.
package enum HTMLChartPage {
    /// The page.
    package static func render(_ chart: TimeSeriesChart, width: Double = 1000) -> String {
        let svg = SVGChart.render(chart, width: width)
        let labels = ChartPalette.labels(of: chart)
        let geometry = ChartGeometry(chart, labels: labels, width: width)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(MarkupText.escaped(chart.title))</title>
            <style>
            body { margin: 16px; background: #ffffff; font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }
            #chart { position: relative; display: inline-block; }
            #hover { position: absolute; display: none; pointer-events: none; background: rgba(255,255,255,0.95);
                     border: 1px solid #999999; padding: 4px 8px; font-size: 12px; white-space: pre; }
            </style>
            </head>
            <body>
            <div id="chart">
            \(svg)<div id="hover"></div>
            </div>
            <script id="chart-data" type="application/json">\(hoverData(chart, geometry: geometry, labels: labels))</script>
            <script>
            \(script)
            </script>
            </body>
            </html>

            """
    }

    /// Per panel: its plot area and, per line, its samples as [time, "value text"]; escaped
    /// so no container name can close the script element.
    private static func hoverData(_ chart: TimeSeriesChart, geometry: ChartGeometry, labels: [String]) -> String {
        var panels: [String] = []
        for (index, panel) in chart.panels.enumerated() {
            let frame = geometry.panels[index]
            var lines: [String] = []
            for line in panel.lines {
                let colour = ChartPalette.colour(at: labels.firstIndex(of: line.label) ?? 0)
                let points = line.points.filter {
                    $0.timeSeconds >= chart.startSeconds && $0.timeSeconds <= chart.endSeconds
                }
                .map { "[\($0.timeSeconds),\(jsonString(panel.unit.text($0.value)))]" }
                lines.append(
                    "{\"label\":\(jsonString(line.label)),\"colour\":\"\(colour)\",\"points\":[\(points.joined(separator: ","))]}"
                )
            }
            panels.append(
                "{\"left\":\(frame.left),\"top\":\(frame.top),\"width\":\(frame.width),\"height\":\(frame.height),\"lines\":[\(lines.joined(separator: ","))]}"
            )
        }
        return
            "{\"start\":\(geometry.startSeconds),\"end\":\(geometry.endSeconds),\"offset\":\(chart.clock.offsetSeconds),"
            + "\"clock\":\(jsonString(chart.clock.name)),\"panels\":[\(panels.joined(separator: ","))]}"
    }

    /// A JSON string literal that is also safe inside `<script>` (`<`, `>` and `&` as \u escapes).
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "<": result += "\\u003c"
            case ">": result += "\\u003e"
            case "&": result += "\\u0026"
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    private static let script = """
        (function () {
          var data = JSON.parse(document.getElementById('chart-data').textContent);
          var svg = document.querySelector('#chart svg');
          var hover = document.getElementById('hover');
          var cursor = document.createElementNS('http://www.w3.org/2000/svg', 'line');
          cursor.setAttribute('stroke', '#555555'); cursor.setAttribute('stroke-dasharray', '2 2');
          cursor.style.display = 'none'; svg.appendChild(cursor);
          function nearest(points, t) {
            var lo = 0, hi = points.length - 1;
            if (hi < 0) return null;
            while (lo < hi) { var mid = (lo + hi) >> 1; if (points[mid][0] < t) lo = mid + 1; else hi = mid; }
            if (lo > 0 && t - points[lo - 1][0] < points[lo][0] - t) lo -= 1;
            return points[lo];
          }
          function clock(t) {
            return new Date((t + data.offset) * 1000).toISOString().slice(0, 19).replace('T', ' ') + ' ' + data.clock;
          }
          svg.addEventListener('mousemove', function (event) {
            var p = svg.createSVGPoint(); p.x = event.clientX; p.y = event.clientY;
            var at = p.matrixTransform(svg.getScreenCTM().inverse());
            var panel = data.panels.find(function (q) {
              return at.x >= q.left && at.x <= q.left + q.width && at.y >= q.top && at.y <= q.top + q.height;
            });
            if (!panel) { hover.style.display = 'none'; cursor.style.display = 'none'; return; }
            var t = data.start + (at.x - panel.left) / panel.width * (data.end - data.start);
            var rows = [clock(t)];
            panel.lines.forEach(function (line) {
              var point = nearest(line.points, t);
              if (point) rows.push(line.label + '  ' + point[1]);
            });
            hover.textContent = rows.join('\\n');
            hover.style.display = 'block';
            var box = document.getElementById('chart').getBoundingClientRect();
            hover.style.left = (event.clientX - box.left + 14) + 'px'; hover.style.top = (event.clientY - box.top + 14) + 'px';
            cursor.setAttribute('x1', at.x); cursor.setAttribute('x2', at.x);
            cursor.setAttribute('y1', panel.top); cursor.setAttribute('y2', panel.top + panel.height);
            cursor.style.display = 'inline';
          });
          svg.addEventListener('mouseleave', function () { hover.style.display = 'none'; cursor.style.display = 'none'; });
        })();
        """
}
