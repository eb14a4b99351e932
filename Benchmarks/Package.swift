// swift-tools-version:6.1
import PackageDescription

// The benchmarks are a package of their own so that users of Periscope's libraries never
// build the benchmark harness. Run from the repository root:
//   swift package --package-path Benchmarks benchmark
let package = Package(
    name: "periscope-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "periscope", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"])
    ],
    targets: [
        .executableTarget(
            name: "InventoryBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "ContainerInventory", package: "periscope"),
                .product(name: "LinuxHost", package: "periscope")
            ],
            path: "Benchmarks/InventoryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "TraceBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "KernelTrace", package: "periscope")
            ],
            path: "Benchmarks/TraceBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "AnalysisBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "KernelTrace", package: "periscope"),
                .product(name: "TraceAnalysis", package: "periscope")
            ],
            path: "Benchmarks/AnalysisBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // A simulated day of `periscope record` into the store: bytes per container-sample,
        // append CPU, 24-hour query time (docs/performance.md, "Recording store").
        //   swift run -c release --package-path Benchmarks RecordingSimulation /tmp/sim.db 100 24
        .executableTarget(
            name: "RecordingSimulation",
            dependencies: [.product(name: "Recording", package: "periscope")],
            path: "Benchmarks/RecordingSimulation"
        )
    ],
    swiftLanguageModes: [.v6]
)
