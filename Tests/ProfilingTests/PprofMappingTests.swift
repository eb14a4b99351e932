import Foundation
import Testing
import TestSupport
@testable import Profiling
#if canImport(Glibc)
import Glibc
#endif

/// pprof with what `go tool pprof`, Pyroscope and Parca need beyond names: mappings (file,
/// build-id, ranges), location addresses, and container/pid/comm labels instead of root frames;
/// decoded by protoc.
@Suite("pprof mappings, addresses and labels")
struct PprofMappingTests {
    static let binary = FrameMapping(
        start: 0x5555_0000_0000, limit: 0x5555_0001_0000, fileOffset: 0x1000, file: "/usr/bin/app",
        buildID: "0123456789abcdef0123456789abcdef01234567")
    static let libc = FrameMapping(
        start: 0x7f00_0000_0000, limit: 0x7f00_0020_0000, fileOffset: 0, file: "/usr/lib/x86_64-linux-gnu/libc.so.6")
    static let kernel = FrameMapping(
        start: Symbolizer.kernelAddressFloor, limit: .max, fileOffset: 0, file: FrameMapping.kernelFile,
        buildID: "7dd4ff07")

    static let stacks = [
        SymbolizedStack(
            container: "web", pid: 4242, command: "app",
            frames: [
                SymbolizedFrame(name: "main", address: 0x5555_0000_1234, mapping: binary),
                SymbolizedFrame(name: "write", address: 0x7f00_0000_2000, mapping: libc),
                SymbolizedFrame(name: "ksys_write_[k]", address: 0xffff_ffff_8100_0000, mapping: kernel)
            ], count: 7),
        SymbolizedStack(
            container: "[host]", pid: 17, command: "node",
            frames: [
                SymbolizedFrame(name: "main", address: 0x5555_0000_1240, mapping: binary),
                SymbolizedFrame(name: "jit_fn_[j]", address: 0x7e00_0000_0010),
                SymbolizedFrame(name: "[unknown]", address: 0xffff_8000_0000_0000)
            ], count: 3)
    ]

    @Test(
        "mappings carry file, build-id and range; locations carry addresses; samples carry labels",
        .enabled(if: ProtocProfile.protoc != nil, ProtocProfile.whyMissing))
    func encodedForConsumers() throws {
        let profile = try ProtocProfile(bytes: PprofEncoder(periodNanoseconds: 10_000_000).encode(Self.stacks))
        #expect(profile.strings.first == "")
        // Mapping 1 is a program's file (pprof takes mapping[0] for the main binary); special mappings last.
        #expect(
            profile.mappings.map(\.file) == ["/usr/bin/app", "/usr/lib/x86_64-linux-gnu/libc.so.6", "[kernel.kallsyms]"]
        )
        #expect(profile.mappings.map(\.id) == [1, 2, 3])
        let app = try #require(profile.mappings.first)
        #expect(app.start == 0x5555_0000_0000 && app.limit == 0x5555_0001_0000 && app.fileOffset == 0x1000)
        #expect(app.buildID == "0123456789abcdef0123456789abcdef01234567")
        #expect(profile.mapping(3)?.buildID == "7dd4ff07")
        #expect(profile.mapping(2)?.buildID == "")

        #expect(profile.samples.count == 2)
        let web = try #require(profile.samples.first { $0.labels["container"] == "web" })
        #expect(web.labels == ["container": "web", "pid": "4242", "comm": "app"])
        #expect(web.values == [7, 70_000_000])
        // Leaf first; no container or command frames.
        #expect(web.locations.map(\.function) == ["ksys_write_[k]", "write", "main"])
        #expect(web.locations.map(\.address) == [0xffff_ffff_8100_0000, 0x7f00_0000_2000, 0x5555_0000_1234])
        #expect(
            web.locations.map { profile.mapping($0.mappingID)?.file } == [
                "[kernel.kallsyms]", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/app"
            ])
        let node = try #require(profile.samples.first { $0.labels["container"] == "[host]" })
        #expect(node.labels == ["container": "[host]", "pid": "17", "comm": "node"])
        // Two addresses in one function are two locations of one function; memory without a file has no mapping.
        #expect(node.locations.map(\.function) == ["[unknown]", "jit_fn_[j]", "main"])
        #expect(node.locations.map(\.mappingID) == [0, 0, 1])
        #expect(node.locations.last?.id != web.locations.last?.id)
        for location in profile.locations.values where location.mappingID != 0 {
            let mapping = try #require(profile.mapping(location.mappingID))
            #expect(location.address >= mapping.start && location.address < mapping.limit, "\(location)")
        }
    }

    @Test(
        "folded stacks keep one location per frame name, without addresses or mappings",
        .enabled(if: ProtocProfile.protoc != nil, ProtocProfile.whyMissing))
    func foldedStacksHaveNoMappings() throws {
        let folded = [
            FoldedStack(frames: ["web", "app", "main", "write"], count: 2),
            FoldedStack(frames: ["web", "app", "main"], count: 1)
        ]
        let profile = try ProtocProfile(bytes: PprofEncoder(periodNanoseconds: 1).encode(folded))
        #expect(profile.mappings.isEmpty)
        #expect(profile.locations.count == 4)
        #expect(
            profile.samples.map { $0.locations.map(\.function) } == [
                ["write", "main", "app", "web"], ["main", "app", "web"]
            ])
        #expect(profile.samples.allSatisfy { $0.labels.isEmpty && $0.locations.allSatisfy { $0.address == 0 } })
    }

    @Test func kernelBuildIDFromNotes() {
        // /sys/kernel/notes of this machine's kernel: an NT_GNU_BUILD_ID note, then a Linux note.
        let notes: [UInt8] =
            [4, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0] + Array("GNU\0".utf8)
            + [
                0x7d, 0xd4, 0xff, 0x07, 0x89, 0xe0, 0x5e, 0x14, 0x28, 0x53, 0x20, 0x12, 0x91, 0x49, 0xda, 0x25, 0x55,
                0xca, 0x0b, 0xfc
            ]
            + [6, 0, 0, 0, 4, 0, 0, 0, 1, 1, 0, 0] + Array("Linux\0\0\0".utf8) + [0, 0, 0, 0]
        #expect(FrameMapping.gnuBuildID(inNotes: notes) == "7dd4ff0789e05e14285320129149da2555ca0bfc")
        #expect(FrameMapping.gnuBuildID(inNotes: Array(notes.prefix(20))) == nil)
        #expect(FrameMapping.gnuBuildID(inNotes: []) == nil)
    }
}

/// Whether this process may open a system-wide cpu-clock event.
private let perfSamplingAvailable: Bool = {
    guard geteuid() == 0 else { return false }
    return (try? PerfRingBuffer(cpu: 0, frequencyHz: 10, dataPages: 1)) != nil
}()

@Suite("live pprof", .serialized)
struct LivePprofTests {
    /// The GNU build-id `readelf -n` prints for `path` (binutils, as the debug-symbol tests use).
    static func readelfBuildID(_ path: String) throws -> String? {
        let output = try SpawnedChild.run(["/usr/bin/readelf", "-n", path])
        return output.split(separator: "\n").first { $0.contains("Build ID:") }
            .map { $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces) }
    }

    @Test(
        "a profiled shell loop: the shell's mapping has its path, build-id and range, and every sample its labels",
        .enabled(
            if: perfSamplingAvailable && ProtocProfile.protoc != nil
                && FileManager.default.isExecutableFile(atPath: "/usr/bin/readelf"),
            "needs root, perf_event_open, protoc and readelf: run scripts/test-setup.sh as root"),
        .timeLimit(.minutes(1)))
    func shellLoop() throws {
        let busy = try SpawnedChild(["/bin/sh", "-c", "while :; do :; done"])
        defer { busy.kill() }
        let shell = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(busy.pid)/exe")
        let attribution = try SampleAttribution(target: .processes([busy.pid])) {
            throw ProfileTargetError(description: "no inventory in this test")
        }
        var options = ProfileOptions()
        options.durationSeconds = 1.5
        options.frequencyHz = 199
        let result = try ProfileSession(
            options: options, attribution: attribution, symbolizer: Symbolizer(kernel: try KernelSymbols.load())
        ).run()
        try #require(result.keptSampleCount > 0, "the loop got no CPU in 1.5 s")
        let profile = try ProtocProfile(
            bytes: PprofEncoder(periodNanoseconds: 5_025_125).encode(result.symbolizedStacks))

        let mapping = try #require(
            profile.mappings.first { $0.file == shell }, "no mapping of \(shell) in \(profile.mappings.map(\.file))")
        #expect(profile.mappings.first?.file.hasPrefix("[") == false, "mapping 1 should be a file")
        if let buildID = try Self.readelfBuildID(shell) { #expect(mapping.buildID == buildID) }
        let maps = try String(contentsOfFile: "/proc/\(busy.pid)/maps", encoding: .utf8)
        let range = "\(String(mapping.start, radix: 16))-\(String(mapping.limit, radix: 16))"
        #expect(
            maps.split(separator: "\n").contains { $0.hasPrefix(range) && $0.hasSuffix(shell) },
            "\(range) is not a mapping of \(shell)")
        #expect(
            profile.samples.allSatisfy {
                $0.labels["pid"] == String(busy.pid) && $0.labels["comm"] == "sh" && $0.labels["container"] != nil
            })
        let total = profile.samples.reduce(Int64(0)) { $0 + ($1.values.first ?? 0) }
        #expect(UInt64(total) == result.keptSampleCount)
        var inShell = 0
        for location in profile.locations.values where location.mappingID != 0 {
            let owner = try #require(profile.mapping(location.mappingID))
            #expect(location.address >= owner.start && location.address < owner.limit, "\(location) outside \(owner)")
            if owner.file == shell { inShell += 1 }
        }
        #expect(inShell > 0, "no location in \(shell)")
    }
}
