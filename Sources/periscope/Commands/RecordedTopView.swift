import History
import Presentation
import Reporting
import ResourceMetrics

/// The interactive `top --db --at`: the recorded screen at one moment, with keys that move the
/// moment: `[` and `]` one step (-d) back and forth, `{` and `}` one minute, and every key of
/// the live view (sort, filter, select) on the frame shown.
struct RecordedTopView {
    let top: RecordedTop
    let terminal: FullScreenTerminal
    var state: TopViewState
    let stepSeconds: Double
    var atSeconds: Double
    private var frame: TopFrame?
    private var message = ""

    init(top: RecordedTop, terminal: FullScreenTerminal, state: TopViewState, stepSeconds: Double, atSeconds: Double) {
        self.top = top
        self.terminal = terminal
        self.state = state
        self.stepSeconds = stepSeconds
        self.atSeconds = atSeconds
    }

    /// How far a key moves the moment shown, nil for keys of the ordinary view.
    static func timeStep(for key: TopKey, step: Double) -> Double? {
        switch key {
        case .character("["): -step
        case .character("]"): step
        case .character("{"): -60
        case .character("}"): 60
        default: nil
        }
    }

    /// Runs until `q`, Ctrl-C or the terminal closing.
    mutating func run() throws {
        try load()
        draw()
        while true {
            switch terminal.readInput(timeoutMilliseconds: 60_000) {
            case .closed: return
            case .resized, .timeout: draw()
            case .bytes(let bytes):
                for key in TopKey.decode(bytes) {
                    if key == .suspend {
                        terminal.suspend()
                        continue
                    }
                    if let step = Self.timeStep(for: key, step: stepSeconds), state.screen == .containers {
                        atSeconds += step
                        try load()
                        continue
                    }
                    let rows = frame.map { state.visibleRows(of: $0) } ?? []
                    if case .quit = state.handle(key, visibleRows: rows) { return }
                }
                draw()
            }
        }
    }

    /// The frame at `atSeconds`, keeping the last one shown when there is none (and saying so).
    private mutating func load() throws {
        if let loaded = try top.frame(at: atSeconds) {
            frame = loaded
            message =
                "recorded at \(RecordedTime.text(loaded.unixTimeSeconds))   [ ] ±\(Self.stepText(stepSeconds))  { } ±1 min  q quits"
        } else {
            message =
                "nothing recorded in the \(Int(RecordedTop.lookBackSeconds)) s before \(RecordedTime.text(atSeconds))   [ ] { } move  q quits"
        }
    }

    private static func stepText(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }

    private func draw() {
        let size = TerminalSize.of() ?? TerminalSize(columns: 80, rows: 24)
        var lines = [TerminalLine(message, .heading)]
        if let frame {
            let renderer = TopRenderer(width: size.columns, height: max(size.rows - 1, 3), isInteractive: true)
            lines += renderer.render(frame, state: state)
        }
        terminal.draw(lines, width: size.columns)
    }
}
