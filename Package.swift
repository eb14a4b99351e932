// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "periscope",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "periscope", targets: ["periscope"]),
        .library(name: "LinuxHost", targets: ["LinuxHost"]),
        .library(name: "ContainerInventory", targets: ["ContainerInventory"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .library(name: "KernelTrace", targets: ["KernelTrace"]),
        .library(name: "TraceAnalysis", targets: ["TraceAnalysis"]),
        .library(name: "Recording", targets: ["Recording"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1")
    ],
    targets: [
        // Thin C shims for what Swift cannot call directly (setns from a private thread,
        // fork+setns+exec). No logic lives here.
        .target(
            name: "CLinuxSupport",
            // zlib (pprof gzip), liblzma (MiniDebugInfo), libstdc++ (__cxa_demangle):
            // zlib1g-dev and liblzma-dev come from scripts/test-setup.sh.
            linkerSettings: [.linkedLibrary("z"), .linkedLibrary("lzma"), .linkedLibrary("stdc++")]
        ),
        // Byte-level readers of /proc, /sys and cgroupfs. Knows nothing of containers.
        .target(name: "LinuxHost", dependencies: ["CLinuxSupport"]),
        // Process -> container identity: cgroup path rules, runtime metadata, pid namespaces.
        .target(
            name: "ContainerInventory",
            dependencies: ["LinuxHost", "CLinuxSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // Samplers, counter-to-rate, USE metrics per resource for the host and each container.
        .target(name: "ResourceMetrics", dependencies: ["LinuxHost", "ContainerInventory"]),
        // The container performance method over an observation window: findings with evidence.
        // Reads no file itself: it consumes ResourceMetrics' samples.
        .target(name: "Diagnosis", dependencies: ["ResourceMetrics", "ContainerInventory", "LinuxHost", "Reporting"]),
        // perf_event sampling, symbolization, folding, the flame graph layout, pprof.
        .target(name: "Profiling", dependencies: ["LinuxHost", "ContainerInventory", "CLinuxSupport"]),
        // Kernel events: the decoded-event model, tracefs capture, the ftrace page decoder, the
        // trace directory, and CTF 1.8 reading and writing.
        .target(name: "KernelTrace", dependencies: ["LinuxHost", "ContainerInventory", "CLinuxSupport"]),
        // Analyses over decoded kernel events: the replayed state model, cputop, schedlat,
        // syscalls, iolatency, irq, memtop, dstate, periods; histograms; typed reports (LAMI cell
        // classes) that Presentation renders.
        .target(name: "TraceAnalysis", dependencies: ["KernelTrace", "ContainerInventory"]),
        // A Swift loader for BPF ELF objects (maps, relocations, verifier log, tracepoint attach,
        // cleanup on every exit) and the tools built on it (offcputime names its stacks with
        // Profiling's symbolizer). The C programs in Programs/ are
        // compiled by scripts/generate-bpf.sh into Generated/: building needs no compiler step.
        .target(
            name: "BPF", dependencies: ["CLinuxSupport", "ContainerInventory", "LinuxHost", "Profiling"],
            exclude: ["Programs"]),
        // On-demand captures for the agent (CPU profiles, kernel trace snapshots, diagnosis
        // windows): one at a time, stored within a size budget; and the Alertmanager webhook
        // that triggers them. Knows nothing of HTTP.
        .target(
            name: "Captures",
            dependencies: [
                "Profiling", "KernelTrace", "ContainerInventory", "ResourceMetrics", "Diagnosis", "LinuxHost",
                "Reporting", "CLinuxSupport", "Presentation"
            ]),
        // The recorder's embedded store (SQLite through GRDB, WAL): samples in compressed
        // per-container blocks, events, findings, roll-ups, retention, migrations. Nothing
        // else touches SQL. libsqlite3-dev comes from scripts/test-setup.sh.
        .target(name: "Recording", dependencies: ["CLinuxSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        // `periscope record` as a library (the agent runs it in-process): samples the host and
        // every container each interval through kept descriptors, follows Docker's events,
        // the kernel log, D-state sweeps and a rolling diagnosis (History's replay of the last
        // window written), and writes batches through Recording's API.
        .target(
            name: "Recorder",
            dependencies: [
                "Recording", "ResourceMetrics", "Diagnosis", "ContainerInventory", "LinuxHost", "BPF", "History"
            ]),
        // Formatting primitives with no domain knowledge: units, durations, JSON, text tables,
        // terminal styling. Domain targets may use them for their findings' messages.
        // Uses LinuxHost's syscall layer only (terminal writes).
        .target(name: "Reporting", dependencies: ["LinuxHost"]),
        // Every renderer of a domain result: the ps/pid/stats text, the top screen, diagnose and
        // inside text, analyze tables/JSON/LAMI, trace and profile summaries, flame graphs (SVG), the BPF tools' reports, time-series charts (SVG, HTML). Above the domain targets; none of
        // them depends on it. Knows nothing of where the data came from.
        .target(
            name: "Presentation",
            dependencies: [
                "Reporting", "LinuxHost", "ContainerInventory", "ResourceMetrics", "Diagnosis", "Profiling",
                "KernelTrace", "TraceAnalysis", "BPF"
            ]
        ),
        // Replay of a recording: the store's samples read back as the live types (counters,
        // observation windows, top frames) and as chart series, so `diagnose --db`, `top --db`,
        // `stats --db`, `chart` and the agent's history API compute with the live code.
        .target(
            name: "History",
            dependencies: [
                "Recording", "ResourceMetrics", "ContainerInventory", "LinuxHost", "Reporting", "Presentation"
            ]),
        // The agent (`periscope serve`): the Hummingbird application, /metrics, the JSON API and
        // the bearer-token guard. Serves what the recorder samples; holds no analysis logic.
        .target(
            name: "PeriscopeServer",
            dependencies: [
                "LinuxHost", "ContainerInventory", "ResourceMetrics", "Diagnosis", "Reporting", "Captures", "Profiling",
                "Recorder", "Recording", "History",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log")
            ]
        ),
        .executableTarget(
            name: "periscope",
            dependencies: [
                "LinuxHost", "ContainerInventory", "ResourceMetrics", "Profiling", "Reporting", "CLinuxSupport",
                "Diagnosis", "KernelTrace", "TraceAnalysis", "BPF", "Presentation", "Recorder", "Recording",
                "PeriscopeServer", "Captures", "History",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ]
        ),
        // A tiny writer the crash test starts and kills -9 mid-append: appends numbered
        // batches forever and prints each batch number once its transaction committed.
        .executableTarget(
            name: "RecordingCrashWriter", dependencies: ["Recording"], path: "Tests/RecordingCrashWriter"),
        // Starting and reaping child processes, the fuzz harness, the live-test trait and the
        // decoded-event collector, shared by the test targets.
        .target(name: "TestSupport", dependencies: ["KernelTrace"], path: "Tests/TestSupport"),
        // Unit tests: fixtures, synthetic inputs and the periscope binary on them; no root, no
        // Docker, no tracefs, no whole-host measurement. They run in parallel (scripts/test.sh).
        .testTarget(name: "LinuxHostTests", dependencies: ["LinuxHost", "TestSupport"]),
        .testTarget(name: "ContainerInventoryTests", dependencies: ["ContainerInventory", "LinuxHost"]),
        .testTarget(
            name: "ResourceMetricsTests",
            dependencies: ["ResourceMetrics", "ContainerInventory", "LinuxHost", "Presentation", "TestSupport"]),
        .testTarget(
            name: "DiagnosisTests",
            dependencies: [
                "Diagnosis", "ContainerInventory", "ResourceMetrics", "LinuxHost", "Presentation", "TestSupport"
            ]),
        // The store: encoding, round trips, migrations, refusals, full and read-only file
        // systems, and kill -9 of a child writer (the RecordingCrashWriter executable).
        .testTarget(name: "RecordingTests", dependencies: ["Recording", "RecordingCrashWriter", "TestSupport"]),
        // The recorder's units, and `periscope record` run as a process against real containers
        // (capped, OOM-killed, churn, SIGTERM, kill -9), read back through Recording's API.
        .testTarget(
            name: "RecorderTests",
            dependencies: ["Recorder", "Recording", "ContainerInventory", "periscope", "TestSupport"]),
        .testTarget(name: "ProfilingTests", dependencies: ["Profiling", "Presentation", "TestSupport"]),
        // The capture manager's bookkeeping with stand-in runners, plus live captures of a
        // real container (perf, tracefs, Docker).
        .testTarget(
            name: "CapturesTests", dependencies: ["Captures", "ContainerInventory", "KernelTrace", "TestSupport"]),
        .testTarget(
            name: "TraceAnalysisTests",
            dependencies: [
                "TraceAnalysis", "KernelTrace", "ContainerInventory", "Presentation", "periscope", "TestSupport"
            ]),
        // The renderers on hand-built results: top screen and keys.
        .testTarget(
            name: "PresentationTests", dependencies: ["Presentation", "ResourceMetrics", "LinuxHost", "Reporting"]),
        .testTarget(name: "KernelTraceTests", dependencies: ["KernelTrace", "periscope", "LinuxHost", "TestSupport"]),
        .testTarget(name: "BPFTests", dependencies: ["BPF", "periscope", "TestSupport"]),
        // Live tests: real containers, tracefs, perf, BPF and whole-host measurements. They run
        // one at a time after the unit tests (scripts/test.sh), because a capped busy loop must
        // reach its cap and a neighbour must be the only one using the CPU.
        .testTarget(
            name: "ResourceMetricsLiveTests",
            dependencies: ["ResourceMetrics", "ContainerInventory", "LinuxHost", "Presentation", "TestSupport"]),
        .testTarget(name: "ProfilingLiveTests", dependencies: ["Profiling", "TestSupport"]),
        .testTarget(
            name: "KernelTraceLiveTests", dependencies: ["KernelTrace", "periscope", "LinuxHost", "TestSupport"]),
        .testTarget(
            name: "TraceAnalysisLiveTests",
            dependencies: ["TraceAnalysis", "KernelTrace", "Presentation", "periscope", "TestSupport"]),
        .testTarget(name: "BPFLiveTests", dependencies: ["BPF", "periscope", "TestSupport", "Recording"]),
        // The agent in-process (HummingbirdTesting) and as the real binary scraped by a real Prometheus.
        .testTarget(
            name: "PeriscopeServerTests",
            dependencies: [
                "PeriscopeServer", "periscope", "ResourceMetrics", "Diagnosis", "LinuxHost", "ContainerInventory",
                "TestSupport", "Captures", "Recording", "History",
                .product(name: "HummingbirdTesting", package: "hummingbird")
            ]
        ),
        // Runs the real `periscope` binary against real containers, namespaces and /proc.
        .testTarget(
            name: "PeriscopeIntegrationTests",
            dependencies: ["periscope", "ContainerInventory", "LinuxHost", "Reporting", "Recording", "TestSupport"]
        )
    ],
    swiftLanguageModes: [.v6]
)
