/// Line colours that stay apart for the colour-blind (Okabe and Ito's palette, then Tableau's),
/// given to series labels in order of first appearance so a container has one colour in every
/// panel.
enum ChartPalette {
    static let colours = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B", "#7F7F7F", "#BCBD22"
    ]

    /// Labels of `chart`'s lines in order of first appearance.
    static func labels(of chart: TimeSeriesChart) -> [String] {
        var seen: Set<String> = []
        var labels: [String] = []
        for line in chart.panels.flatMap(\.lines) where seen.insert(line.label).inserted {
            labels.append(line.label)
        }
        return labels
    }

    /// The colour of the label at `index`.
    static func colour(at index: Int) -> String { colours[index % colours.count] }

    /// Mark colours by severity.
    static func colour(of severity: ChartMark.Severity) -> String {
        switch severity {
        case .info: "#4D4D4D"
        case .warning: "#E69F00"
        case .critical: "#C0392B"
        }
    }

    /// Darker mark colours for text on white.
    static func textColour(of severity: ChartMark.Severity) -> String {
        switch severity {
        case .info: "#333333"
        case .warning: "#8A5A00"
        case .critical: "#A93226"
        }
    }
}
