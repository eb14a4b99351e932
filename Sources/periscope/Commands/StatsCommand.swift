import ArgumentParser
import ContainerInventory
import History
import Presentation
import Reporting
import ResourceMetrics

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract:
            "Sample one container's CPU, memory, block I/O, PIDs and network twice and print rates with its limits.",
        discussion: """
            The `nsinit stats` / `docker stats` view of one container, read from its cgroup \
            files (v1 or v2) and its network namespace's /proc/PID/net/dev. CPU is in cores \
            (1.0 = one CPU busy) and as % of the container's cap and of the host; memory is the \
            working set (usage minus inactive page cache, as docker stats computes it) against \
            the limit; throttling is the share of CFS periods cut short and the time spent \
            waiting per second. Pressure (PSI) is shown where the kernel gives it per cgroup. \
            REALTIME shows the RT budget (v1 cpu.rt_runtime_us / cpu.rt_period_us of the \
            container and its parents; absent on cgroup v2), whether its init process could \
            switch to SCHED_FIFO (and which docker options fix it if not), and its \
            SCHED_FIFO/SCHED_RR threads with their priority, CPU and run-queue wait. \
            Block I/O comes from the cgroup's files per disk ("from cgroup"); when cgroup v1 \
            blkio does not account a disk that does I/O (on some kernels until a throttle rule \
            is set on it), it comes from the processes' /proc/PID/io instead, all disks \
            together, and the line says so. Changes nothing.

            Examples:
              periscope stats web
              periscope stats web --interval 2 --json
              periscope stats web --db /var/lib/periscope/recording.db --since -2h
            """
    )

    @OptionGroup var source: InventorySourceOptions
    @OptionGroup(title: "Replay a recording") var recording: RecordingRangeOptions

    @Argument(
        help:
            "Container name, id (prefix), or a host PID of one of its processes; with --db also a name it had before, or host."
    )
    var target: String

    @Option(
        help: ArgumentHelp("Time between the two samples: \(DurationText.forms) (default 1s).", valueName: "duration"),
        transform: DurationText.parseSeconds)
    var interval: Double = 1

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if !(interval > 0 && interval <= 3600) {
            throw ValidationError("--interval must be between 0 and 3600 seconds")
        }
    }

    func run() throws {
        if let db = recording.db {
            try printRecorded(db)
            return
        }
        let logger = source.makeLogger()
        let snapshot = try source.scan(includeProcesses: false, logger: logger)
        let container: Container
        switch ContainerMatcher.resolve(target, in: snapshot) {
        case .failure(let failure): throw UserFacingError(failure.description)
        case .success(let found): container = found
        }
        let report: StatsReport
        do {
            report = try ContainerStatsSampler(container: container, in: snapshot).sample(intervalSeconds: interval)
        } catch let failure as ContainerStatsSampler.Failure {
            throw UserFacingError(failure.description)
        }
        if json {
            print(try JSONOutput.encode(report))
        } else {
            print(
                StatsTextRenderer.render(report, displayName: container.displayName, style: .standardOutput),
                terminator: "")
        }
    }
}

extension StatsCommand {
    /// The container's recorded series over --since/--until.
    func printRecorded(_ path: String) throws {
        let (start, end) = try recording.range()
        let reader = try RecordingReader(path: path)
        try reader.requireSamples(from: start, to: end)
        let container = try reader.resolve([target], among: try reader.containers(from: start, to: end))[0]
        let report = try RecordedStats(reader: reader, start: start, end: end).report(for: container)
        if report.series.isEmpty {
            throw UserFacingError(
                "no samples of \(report.name) between \(RecordedTime.text(start)) and \(RecordedTime.text(end)) in \(path)"
            )
        }
        if json {
            print(try JSONOutput.encode(report))
        } else {
            print(RecordedStats.text(report), terminator: "")
        }
    }
}
