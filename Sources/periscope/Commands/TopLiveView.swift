import Foundation
import Presentation
import Reporting
import ResourceMetrics

/// The live loop of `periscope top`: sample on a timer, redraw on keys and resizes.
struct TopLiveView {
    let collector: TopCollector
    let terminal: FullScreenTerminal
    var state: TopViewState
    let delaySeconds: Double
    private var frame: TopFrame?

    init(collector: TopCollector, terminal: FullScreenTerminal, state: TopViewState, delaySeconds: Double) {
        self.collector = collector
        self.terminal = terminal
        self.state = state
        self.delaySeconds = delaySeconds
    }

    /// Runs until `q`, the terminal closing, or `limit` samples (0 = no limit).
    mutating func run(limit: Int) throws {
        _ = try collector.collect()
        // The first rates come sooner than a full interval so the screen is not empty for long.
        var nextSample = MonotonicInstant.now().adding(seconds: min(delaySeconds, 1))
        var samples = 0
        draw()
        while true {
            let remaining = nextSample.seconds(since: .now())
            switch terminal.readInput(timeoutMilliseconds: Int32(max(remaining, 0) * 1000)) {
            case .closed:
                return
            case .resized:
                draw()
            case .bytes(let bytes):
                for key in TopKey.decode(bytes) {
                    if key == .suspend {
                        terminal.suspend()
                        continue
                    }
                    let rows = frame.map { state.visibleRows(of: $0) } ?? []
                    switch state.handle(key, visibleRows: rows) {
                    case .quit: return
                    case .redraw: break
                    case .openedProcesses(let rowID):
                        collector.detailedRowID = rowID
                        if frame != nil { collector.fillContainerPIDs(&frame!, rowID: rowID) }
                    case .toggledCgroupTree:
                        // Sample now so the new rows show at once (their rates come with the next sample).
                        collector.showsCgroupTree = state.showsCgroupTree
                        if let sampled = try collector.collect() { frame = sampled }
                    }
                    if state.screen == .containers { collector.detailedRowID = nil }
                }
                draw()
            case .timeout:
                guard MonotonicInstant.now() >= nextSample else { continue }
                if let sampled = try collector.collect() { frame = sampled }
                samples += 1
                if limit > 0 && samples >= limit { return }
                // Fixed cadence; after a stall (suspended, slow scan) restart it rather than catch up.
                nextSample = nextSample.adding(seconds: delaySeconds)
                if nextSample < .now() { nextSample = MonotonicInstant.now().adding(seconds: delaySeconds) }
                draw()
            }
        }
    }

    private func draw() {
        let size = TerminalSize.of() ?? TerminalSize(columns: 80, rows: 24)
        guard let frame else {
            terminal.draw([TerminalLine("periscope top: sampling...  (q quits)")], width: size.columns)
            return
        }
        let renderer = TopRenderer(width: size.columns, height: size.rows, isInteractive: true)
        let lines = renderer.render(frame, state: state).map { line in
            switch line.emphasis {
            case .normal: TerminalLine(line.text)
            case .heading, .selected: TerminalLine(line.text, style: .reverse)
            case .alert: TerminalLine(line.text, style: .alert)
            }
        }
        terminal.draw(lines, width: size.columns)
    }
}

extension MonotonicInstant {
    fileprivate func adding(seconds: Double) -> MonotonicInstant {
        MonotonicInstant(nanoseconds: nanoseconds + UInt64(max(seconds, 0) * 1e9))
    }
}
