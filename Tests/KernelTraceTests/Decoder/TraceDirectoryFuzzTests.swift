import Foundation
@testable import KernelTrace
import Testing
import TestSupport

/// Mutated trace directories and CTF traces: every case opens and decodes to a clean result
/// or a thrown error, never a crash, within the harness's time bound. Counts: a few hundred
/// per parser; `PERISCOPE_FUZZ_CASES=N` for a long run (see `Fuzzing`).
@Suite(.serialized) struct TraceDirectoryFuzzTests {
    typealias Directory = TraceDirectoryHostileInputTests.Directory

    /// The files a trace directory reader parses, relative to the directory.
    static let traceFiles = [
        "metadata.json", "statedump.json", "formats/header_page", "formats/sched/sched_switch",
        "formats/sched/sched_process_exec",
        "cpu0.raw", "cpu1.raw"
    ]

    /// A consumer that reads every field of every event, so a bad span would fault here.
    struct TouchingConsumer: EventConsumer {
        var events = 0
        var checksum = 0
        mutating func begin(_ trace: TraceDescription) {}
        mutating func consume(_ record: EventRecord) {
            events += 1
            for index in record.eventClass.fields.indices {
                if record.eventClass.fields[index].isScalar {
                    checksum &+= Int(truncatingIfNeeded: record.signed(index))
                } else {
                    checksum &+= record.bytes(index).reduce(0) { $0 &+ Int($1) }
                }
            }
        }
    }

    /// A seed with a statedump worth mutating: threads, namespaces, a container.
    static func seed() throws -> Directory {
        let directory = try Directory(pagesPerCPU: 3)
        let statedump = RecordedStatedump(
            takenAtNs: 1_000, hostNamespaces: ["pid": 4026531836, "mnt": 4026531841],
            containers: [
                RecordedContainer(
                    key: "docker:0123456789ab", runtime: "docker", id: "0123456789abcdef", name: "web", image: nil,
                    pidNamespace: 4026532572, namespaces: ["pid": 4026532572], cgroupPath: "/docker/0123456789abcdef",
                    firstSeenNs: 1_000)
            ],
            threads: [
                RecordedThread(
                    tid: 1, pid: 1, ppid: 0, comm: "init", namespaceTIDs: [1], namespacePIDs: [1],
                    namespaces: ["pid": 4026531836],
                    cgroups: ["0::/"], container: nil, seenAtNs: 1_000),
                RecordedThread(
                    tid: 2, pid: 2, ppid: 1, comm: "a", namespaceTIDs: [2, 1], namespacePIDs: [2, 1],
                    namespaces: ["pid": 4026532572],
                    cgroups: ["0::/docker/0123456789abcdef"], container: "docker:0123456789ab", seenAtNs: 1_000)
            ],
            vanishedThreadCount: 0)
        try TraceDirectoryWriter.writeJSON(statedump, to: directory.layout.statedumpPath)
        return directory
    }

    static func mutate(_ path: String, using random: inout Fuzzing.Generator) throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let isText = !path.hasSuffix(".raw") && !path.contains("/kernel_")
        let mutated =
            isText && Bool.random(using: &random)
            ? Fuzzing.replacingNumbers(in: original, using: &random) : Fuzzing.damagingBytes(original, using: &random)
        try Data(mutated).write(to: URL(fileURLWithPath: path))
    }

    @Test(
        "mutated trace directories (formats, header_page, pages, statedump, metadata) decode or throw, within the time bound"
    )
    func mutatedTraceDirectories() throws {
        let cases = Fuzzing.caseCount(default: 400)
        var random = Fuzzing.Generator(seed: 12)
        var outcomes = (clean: 0, thrown: 0)
        let seed = try Self.seed()
        for number in 0..<cases {
            let directory = try Directory(pagesPerCPU: 3)
            try FileManager.default.removeItem(atPath: directory.layout.statedumpPath)
            try FileManager.default.copyItem(atPath: seed.layout.statedumpPath, toPath: directory.layout.statedumpPath)
            let file = Self.traceFiles.randomElement(using: &random)!
            try Self.mutate("\(directory.root)/\(file)", using: &random)
            let seconds = Fuzzing.timed {
                do {
                    let reader = try PeriscopeTraceReader(directory: directory.root)
                    var consumer = TouchingConsumer()
                    try reader.decode(into: &consumer)
                    outcomes.clean += 1
                } catch {
                    #expect(!"\(error)".isEmpty)
                    outcomes.thrown += 1
                }
            }
            #expect(seconds < Fuzzing.caseTimeLimitSeconds, "case \(number) (\(file)) took \(seconds) s")
        }
        #expect(outcomes.clean + outcomes.thrown == cases)
        // Both outcomes must occur, or the mutations are not reaching the parsers.
        #expect(outcomes.clean > 0 && outcomes.thrown > 0)
    }

    @Test("mutated CTF traces (metadata, packets) decode or throw, within the time bound")
    func mutatedCTFTraces() throws {
        let cases = Fuzzing.caseCount(default: 300)
        var random = Fuzzing.Generator(seed: 18)
        let seed = try Self.seed()
        let seedCTF = seed.root + "-ctf"
        defer { try? FileManager.default.removeItem(atPath: seedCTF) }
        try CTFTraceConverter(reader: try PeriscopeTraceReader(directory: seed.root), outputDirectory: seedCTF)
            .convert()
        // The converter writes an LTTng session layout: the streams and metadata are in kernel/.
        let files = try FileManager.default.contentsOfDirectory(atPath: seedCTF + "/kernel").sorted()
        #expect(files.contains("metadata") && files.contains("kernel_cpu0"))
        var outcomes = (clean: 0, thrown: 0)
        let work = seed.root + "-ctf-case"
        defer { try? FileManager.default.removeItem(atPath: work) }
        for number in 0..<cases {
            try? FileManager.default.removeItem(atPath: work)
            try FileManager.default.copyItem(atPath: seedCTF, toPath: work)
            let file = files.randomElement(using: &random)!
            try Self.mutate("\(work)/kernel/\(file)", using: &random)
            let seconds = Fuzzing.timed {
                do {
                    let source = try CTFTraceSource(path: work)
                    var consumer = TouchingConsumer()
                    try source.run(into: &consumer)
                    outcomes.clean += 1
                } catch {
                    #expect(!"\(error)".isEmpty)
                    outcomes.thrown += 1
                }
            }
            #expect(seconds < Fuzzing.caseTimeLimitSeconds, "case \(number) (\(file)) took \(seconds) s")
        }
        #expect(outcomes.clean > 0 && outcomes.thrown > 0)
    }
}
