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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
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
        .target(name: "Diagnosis", dependencies: ["ResourceMetrics", "LinuxHost", "Reporting"]),
        // perf_event sampling, symbolization, folding, flame graphs, pprof.
        .target(name: "Profiling", dependencies: ["LinuxHost", "ContainerInventory", "CLinuxSupport"]),
        // Kernel events: the decoded-event model, tracefs capture, the ftrace page decoder, the
        // trace directory, and CTF 1.8 reading and writing.
        .target(name: "KernelTrace", dependencies: ["LinuxHost", "ContainerInventory", "CLinuxSupport"]),
        // Analyses over decoded kernel events: the replayed state model, cputop, schedlat,
        // syscalls, iolatency, irq, memtop, dstate, periods; histograms; LAMI.
        .target(name: "TraceAnalysis", dependencies: ["KernelTrace", "Reporting"]),
        // A Swift loader for BPF ELF objects (maps, relocations, verifier log, tracepoint attach,
        // cleanup on every exit) and the tools built on it. The C programs in Programs/ are
        // compiled by scripts/generate-bpf.sh into Generated/: building needs no compiler step.
        .target(name: "BPF", dependencies: ["CLinuxSupport", "ContainerInventory", "LinuxHost"], exclude: ["Programs"]),
        // On-demand captures for the agent (CPU profiles, kernel trace snapshots, diagnosis
        // windows): one at a time, stored within a size budget; and the Alertmanager webhook
        // that triggers them. Knows nothing of HTTP.
        .target(name: "Captures", dependencies: ["Profiling", "KernelTrace", "ContainerInventory", "ResourceMetrics", "Diagnosis", "LinuxHost", "Reporting", "CLinuxSupport"]),
        // Renderers shared by every command: tables, JSON. Knows nothing of the kernel.
        .target(name: "Reporting"),
        // The agent (`periscope serve`): the Hummingbird application, /metrics, the JSON API and
        // the bearer-token guard. Serves what the recorder samples; holds no analysis logic.
        .target(
            name: "PeriscopeServer",
            dependencies: [
                "LinuxHost", "ContainerInventory", "ResourceMetrics", "Diagnosis", "Reporting", "Captures", "Profiling",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "periscope",
            dependencies: [
                "LinuxHost", "ContainerInventory", "ResourceMetrics", "Profiling", "Reporting", "CLinuxSupport", "Diagnosis", "KernelTrace", "TraceAnalysis", "BPF", "PeriscopeServer", "Captures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Starting and reaping child processes, and the fuzz harness, shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LinuxHostTests", dependencies: ["LinuxHost", "TestSupport"]),
        .testTarget(name: "ContainerInventoryTests", dependencies: ["ContainerInventory", "LinuxHost"]),
        .testTarget(name: "ResourceMetricsTests", dependencies: ["ResourceMetrics", "LinuxHost", "TestSupport"]),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis", "ResourceMetrics", "LinuxHost", "TestSupport"]),
        .testTarget(name: "ProfilingTests", dependencies: ["Profiling", "TestSupport"]),
        // The capture manager's bookkeeping with stand-in runners, plus live captures of a
        // real container (perf, tracefs, Docker).
        .testTarget(name: "CapturesTests", dependencies: ["Captures", "ContainerInventory", "KernelTrace", "TestSupport"]),
        // Synthetic-trace unit tests plus live tests that record with the periscope binary.
        .testTarget(name: "TraceAnalysisTests", dependencies: ["TraceAnalysis", "KernelTrace", "periscope", "TestSupport"]),
        // Unit tests of the decoder plus live tracefs/Docker tests that run the periscope binary.
        .testTarget(name: "KernelTraceTests", dependencies: ["KernelTrace", "periscope", "LinuxHost", "TestSupport"]),
        // The ELF reader on committed objects, plus live load/attach/cleanup tests and the BPF
        // commands run as the periscope binary against real containers.
        .testTarget(name: "BPFTests", dependencies: ["BPF", "periscope", "TestSupport"]),
        // The agent in-process (HummingbirdTesting) and as the real binary scraped by a real Prometheus.
        .testTarget(
            name: "PeriscopeServerTests",
            dependencies: [
                "PeriscopeServer", "periscope", "ResourceMetrics", "Diagnosis", "LinuxHost", "ContainerInventory", "TestSupport", "Captures",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        // Runs the real `periscope` binary against real containers, namespaces and /proc.
        .testTarget(
            name: "PeriscopeIntegrationTests",
            dependencies: ["periscope", "ContainerInventory", "LinuxHost", "Reporting", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
