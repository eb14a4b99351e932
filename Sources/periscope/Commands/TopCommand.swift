import ArgumentParser
import Foundation
import History
import LinuxHost
import Presentation
import Recording
import Reporting
import ResourceMetrics

struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Live view of the host and every container: CPU, throttling, memory, block I/O, network, PIDs.",
        discussion: """
            A header with the host's load, CPU split, memory and disk and network totals, then \
            one row per container (and one for the whole host). CPU is in cores (1.00 = one CPU \
            busy) and in % of the container's cap; THR% is the share of CFS periods the cap cut \
            short; MEM is the working set (usage minus inactive page cache, as docker stats) \
            against the limit; READ/WRITE are block I/O and RX/TX network bytes per second \
            ("host" for containers on the host's network); PIDS counts tasks. Rates are over \
            the refresh interval. Changes nothing.

            Keys: q quit; c m t i n p sort by CPU, memory, throttling, I/O, network, PIDs \
            (< and > move the sort column); / filter by name (Enter applies, Esc clears); \
            up/down or j/k select; Enter or d shows the selected container's processes (host \
            PID, PID inside the container, state with D highlighted, CPU % of one CPU); Esc or \
            Backspace goes back; g switches between containers and the cgroup tree (every \
            cgroup to --depth levels, named by path, containers' names beside their cgroup); \
            Ctrl-Z gives the terminal back until fg.

            The live view restores the terminal on q, Ctrl-C and termination signals; a \
            process killed with SIGKILL cannot, and leaves the terminal in the alternate \
            screen with the cursor hidden: type `reset` (or `tput rmcup; tput cnorm`) to get \
            it back.

            --batch prints plain-text frames and --json one JSON object per line (host and \
            containers), each after one interval; both stop after -n samples (default 1; \
            0 runs until interrupted); batch lines are cut to the terminal's width only when \
            standard output is a terminal. The live view runs until q unless -n is given.

            Examples:
              periscope top
              periscope top -d 1 --sort memory
              periscope top --batch -n 3 -d 1
              periscope top --cgroups --depth 2 --batch
              periscope top --json -n 0 -d 5 | jq '.rows[] | select(.cpuUsageCores > 0.5) | .name'
              periscope top --db /var/lib/periscope/recording.db --at 03:12

            With --db, the screen as it was at --at, from a recording made by periscope \
            record (containers that no longer exist included): [ and ] step back and forth by \
            --step (default: the recorded interval), { and } by a minute. --batch and --json \
            print the frame at --at and, with -n, the next ones --step apart (-n 0: to the end of \
            the recording).
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Option(
        name: [.customShort("d"), .customLong("delay")],
        help: ArgumentHelp("Time between refreshes: \(DurationText.forms) (default 2s).", valueName: "duration"),
        transform: DurationText.parseSeconds)
    var delaySeconds: Double = 2

    @Option(
        name: [.customShort("n"), .customLong("iterations")],
        help: "Samples to show before exiting (0 = until interrupted). Default: until q live, 1 with --batch or --json."
    )
    var iterations: Int?

    @Flag(help: "Print plain-text frames to standard output instead of the live view.")
    var batch = false

    @Flag(help: "Print one JSON object per sample, one per line.")
    var json = false

    @Option(help: "Initial sort column: \(TopSortKey.allCases.map(\.rawValue).joined(separator: ", ")).")
    var sort: TopSortKey = .cpu

    @Option(help: "Show only containers whose name or id contains this text.")
    var filter: String = ""

    @Flag(help: "Start with one row per cgroup of the host (as systemd-cgtop) instead of one per container; g toggles.")
    var cgroups = false

    @Option(
        help: ArgumentHelp(
            "Seconds between full scans for new containers and processes (0: every sample).",
            discussion:
                "In between, known containers are sampled as usual and a removed one triggers a scan; a scan is half of a sample's cost. While Docker's event stream is followed and every container found is Docker's, a start, stop or rename triggers a scan at the next sample and the periodic scan runs every 30 s (or every --rescan seconds if longer)."
        ))
    var rescan = 5.0

    @Option(
        help: ArgumentHelp(
            "Show the screen as recorded in the recording at PATH (made by periscope record) instead of live; needs --at.",
            valueName: "PATH"))
    var db: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("With --db: the moment to show: \(TimeText.forms).", valueName: "time"))
    var at: String?

    @Option(
        help: ArgumentHelp(
            "With --db: how far [ and ] (and each of -n frames) move: \(DurationText.forms) (default: the recorded interval).",
            valueName: "duration"),
        transform: DurationText.parseSeconds)
    var step: Double?

    @Option(help: "How deep the cgroup tree goes (/docker/ID is depth 2); deeper cgroups count in their ancestor.")
    var depth = 3

    @Option(
        help: ArgumentHelp(
            "Read each container's memory.stat every this many samples (1: every sample, MEM exact).",
            discussion:
                "MEM is the working set, usage minus inactive file pages: usage is read every sample, the inactive-file figure from memory.stat, the costliest cgroup file (a tenth of a sample's cost), at a container's first sample and then every N. In between MEM uses the last inactive-file figure, up to N-1 samples old.",
            valueName: "N"))
    var memoryStatEvery = 10

    func validate() throws {
        if !(delaySeconds >= 0.1 && delaySeconds <= 3600) {
            throw ValidationError("-d must be between 0.1 and 3600 seconds")
        }
        if let iterations, iterations < 0 { throw ValidationError("-n must be 0 (unlimited) or more") }
        if batch && json { throw ValidationError("choose one of --batch and --json") }
        if !(rescan >= 0 && rescan <= 3600) { throw ValidationError("--rescan must be between 0 and 3600 seconds") }
        if !(1...32).contains(depth) { throw ValidationError("--depth must be between 1 and 32") }
        if !(1...3600).contains(memoryStatEvery) {
            throw ValidationError("--memory-stat-every must be between 1 and 3600 samples")
        }
        if (db == nil) != (at == nil) {
            throw ValidationError("--db and --at go together: the recording and the moment to show")
        }
        if let step, db == nil || !(step > 0 && step <= 86400) {
            throw ValidationError("--step moves through a recording (--db): between 0 and 1 day")
        }
        if db != nil && cgroups {
            throw ValidationError("--cgroups is live only: the recording keeps containers, not the cgroup tree")
        }
    }

    func run() throws {
        if let db, let at {
            try runRecorded(db, at: at)
            return
        }
        _ = source.makeLogger()
        // About 7 descriptors stay open per container between samples (v1 with a cgroup2 twin).
        HostSystem.raiseOpenFileLimit()
        let collector = TopCollector(options: source.inventoryOptions(includeProcesses: false))
        collector.showsCgroupTree = cgroups
        collector.cgroupTreeDepth = depth
        collector.inventoryInterval = rescan
        collector.memoryStatEverySamples = memoryStatEvery
        // --json has no drill-down: every row carries its RT budget and RT threads.
        collector.samplesEveryContainersRealtime = json
        collector.collectsProcessRows = !(batch || json)
        let state = TopViewState(sortKey: sort, filter: filter, showsCgroupTree: cgroups)
        if batch || json {
            try printSamples(collector, state: state, limit: iterations ?? 1)
        } else {
            let terminal = try FullScreenTerminal()
            defer { terminal.restore() }
            var view = TopLiveView(collector: collector, terminal: terminal, state: state, delaySeconds: delaySeconds)
            try view.run(limit: iterations ?? 0)
        }
    }

    private func printSamples(_ collector: TopCollector, state: TopViewState, limit: Int) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let width = isatty(STDOUT_FILENO) == 1 ? TerminalSize.of()?.columns : nil
        let renderer = TopRenderer(width: width)
        _ = try collector.collect()
        var printed = 0
        while limit == 0 || printed < limit {
            Thread.sleep(forTimeInterval: delaySeconds)
            guard let frame = try collector.collect() else { continue }
            if json {
                print(String(decoding: try encoder.encode(frame), as: UTF8.self))
            } else {
                print((printed > 0 ? "\n" : "") + renderer.plainText(frame, state: state), terminator: "")
            }
            // Piped output would otherwise sit in the buffer until exit (nil: every stream).
            fflush(nil)
            printed += 1
        }
    }
}

extension TopSortKey: ExpressibleByArgument {}

extension TopCommand {
    /// The recorded screen at --at: interactive, or --batch/--json frames -d apart.
    func runRecorded(_ path: String, at: String) throws {
        let moment = try RecordingRangeOptions.parse(at, option: "--at", clock: .system)
        let reader = try RecordingReader(path: path)
        try reader.requireSamples(from: moment - RecordedTop.lookBackSeconds, to: moment)
        let top = RecordedTop(reader: reader)
        let state = TopViewState(sortKey: sort, filter: filter, showsCgroupTree: false)
        guard let first = try top.frame(at: moment) else {
            throw UserFacingError(
                "no data in \(path) to show at \(RecordedTime.text(moment)): top needs two host samples within \(Int(RecordedTop.lookBackSeconds)) s before it"
            )
        }
        let step = self.step ?? max(first.intervalSeconds.rounded(), 1)
        if batch || json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let renderer = TopRenderer(width: isatty(STDOUT_FILENO) == 1 ? TerminalSize.of()?.columns : nil)
            var frame: TopFrame? = first
            // -n 0: every step to the end of the recording.
            var count = iterations ?? 1
            if count == 0 {
                let last =
                    try reader.read { store throws(RecordingError) in try store.sampleTimeRange() }.map {
                        Double($0.upperBound) / 1000
                    } ?? moment
                count = Int(((last - moment) / step).rounded(.down)) + 1
            }
            for index in 0..<max(count, 1) {
                if index > 0 { frame = try top.frame(at: moment + Double(index) * step) }
                guard let frame else { continue }
                if json {
                    print(String(decoding: try encoder.encode(frame), as: UTF8.self))
                } else {
                    print((index > 0 ? "\n" : "") + renderer.plainText(frame, state: state), terminator: "")
                }
            }
            return
        }
        let terminal = try FullScreenTerminal()
        defer { terminal.restore() }
        var view = RecordedTopView(top: top, terminal: terminal, state: state, stepSeconds: step, atSeconds: moment)
        try view.run()
    }
}
