#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport

/// Profiles as a pprof `profile.proto`, gzip-compressed: the format `go tool pprof`,
/// Grafana Pyroscope and Parca read.
///
/// A profile Periscope sampled (`SymbolizedStack`) keeps what pprof models: every mapped file
/// (path, build-id, address range, offset) is a Mapping, every distinct (mapping, address) a
/// Location whose Line names its Function, and each sample carries `container`, `pid` and
/// `comm` labels instead of root frames, so consumers filter on them. Folded stacks (names
/// only) become one Location per distinct frame name, without addresses. Every sample has two
/// values: the sample count and the CPU time it stands for (count x period).
package struct PprofEncoder {
    /// Nanoseconds of CPU one sample stands for (1e9 / frequency).
    package var periodNanoseconds: Int64
    /// When sampling started (Unix nanoseconds) and how long it ran.
    package var startUnixNanoseconds: Int64 = 0
    package var durationNanoseconds: Int64 = 0
    /// Free-form comments (target, scope).
    package var comments: [String] = []

    package init(periodNanoseconds: Int64) { self.periodNanoseconds = periodNanoseconds }

    /// The uncompressed profile.proto bytes of folded stacks (root frame first).
    package func encode(_ stacks: [FoldedStack]) -> [UInt8] {
        var profile = PprofTables()
        for stack in stacks where stack.count > 0 {
            let names = stack.stack.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
            profile.addSample(
                frames: names.reversed().map { SymbolizedFrame(name: String(decoding: $0, as: UTF8.self)) },
                labels: [], count: stack.count)
        }
        return write(profile)
    }

    /// The uncompressed profile.proto bytes of sampled stacks, with mappings, addresses and labels.
    package func encode(_ stacks: [SymbolizedStack]) -> [UInt8] {
        var profile = PprofTables()
        for stack in stacks where stack.count > 0 {
            profile.addSample(
                frames: stack.frames.reversed(),
                labels: [("container", stack.container), ("pid", String(stack.pid)), ("comm", stack.command)],
                count: stack.count)
        }
        return write(profile)
    }

    /// The gzip-compressed profile, as `go tool pprof` expects in a file.
    package func encodeGzip(_ stacks: [FoldedStack]) throws(GzipError) -> [UInt8] {
        try Gzip.compress(encode(stacks))
    }

    /// The gzip-compressed profile of sampled stacks.
    package func encodeGzip(_ stacks: [SymbolizedStack]) throws(GzipError) -> [UInt8] {
        try Gzip.compress(encode(stacks))
    }

    private func write(_ tables: PprofTables) -> [UInt8] {
        var tables = tables
        let samplesType = tables.intern("samples"), countUnit = tables.intern("count")
        let cpuType = tables.intern("cpu"), nanosecondsUnit = tables.intern("nanoseconds")
        let commentIndexes = comments.map { tables.intern($0) }
        let mappingIDs = tables.mappingIDs()
        let mappingFields = tables.mappings.map {
            (file: tables.intern($0.file), buildID: $0.buildID.map { tables.intern($0) } ?? 0)
        }

        var profile = ProtobufWriter()
        profile.message(1) {
            $0.uint64(1, samplesType); $0.uint64(2, countUnit)
        }
        profile.message(1) {
            $0.uint64(1, cpuType); $0.uint64(2, nanosecondsUnit)
        }
        for sample in tables.samples {
            profile.message(2) { message in
                message.packed(1, sample.locations)
                message.packed(2, [sample.count, sample.count &* UInt64(max(0, periodNanoseconds))])
                for label in sample.labels {
                    message.message(3) {
                        $0.uint64(1, label.key); $0.uint64(2, label.value)
                    }
                }
            }
        }
        for index in tables.mappings.indices.sorted(by: { mappingIDs[$0] < mappingIDs[$1] }) {
            let mapping = tables.mappings[index]
            profile.message(3) { message in
                message.uint64(1, mappingIDs[index])
                message.uint64(2, mapping.start)
                message.uint64(3, mapping.limit)
                message.uint64(4, mapping.fileOffset)
                message.uint64(5, mappingFields[index].file)
                message.uint64(6, mappingFields[index].buildID)
                message.uint64(7, 1)
            }
        }
        for (index, location) in tables.locations.enumerated() {
            profile.message(4) { message in
                message.uint64(1, UInt64(index + 1))
                if let mapping = location.mappingIndex { message.uint64(2, mappingIDs[mapping]) }
                message.uint64(3, location.address)
                message.message(4) { $0.uint64(1, location.functionID) }
            }
        }
        for (index, name) in tables.functionNames.enumerated() {
            profile.message(5) { function in
                function.uint64(1, UInt64(index + 1))
                function.uint64(2, name)
                function.uint64(3, name)
            }
        }
        for text in tables.strings { profile.string(6, text) }
        profile.int64(9, startUnixNanoseconds)
        profile.int64(10, durationNanoseconds)
        profile.message(11) {
            $0.uint64(1, cpuType); $0.uint64(2, nanosecondsUnit)
        }
        profile.int64(12, periodNanoseconds)
        for index in commentIndexes { profile.uint64(13, index) }
        return profile.bytes
    }
}

/// The string, function, mapping and location tables of a profile being built, and its
/// samples (location ids leaf first). Ids are table positions + 1.
private struct PprofTables {
    private(set) var strings: [String] = [""]
    private var stringIndex: [String: UInt64] = ["": 0]
    /// Each function's name, as a string index, by function id - 1.
    private(set) var functionNames: [UInt64] = []
    private var functionIDs: [String: UInt64] = [:]
    private(set) var mappings: [FrameMapping] = []
    private var mappingIndexes: [FrameMapping: Int] = [:]
    private(set) var locations: [(mappingIndex: Int?, address: UInt64, functionID: UInt64)] = []
    private var locationIDs: [LocationKey: UInt64] = [:]
    private(set) var samples: [(locations: [UInt64], labels: [(key: UInt64, value: UInt64)], count: UInt64)] = []

    private struct LocationKey: Hashable {
        var mappingIndex: Int?
        var address: UInt64
        var functionID: UInt64
    }

    mutating func intern(_ text: String) -> UInt64 {
        if let index = stringIndex[text] { return index }
        let index = UInt64(strings.count)
        strings.append(text)
        stringIndex[text] = index
        return index
    }

    /// Adds a sample whose frames run leaf first. Mappings are numbered root first, so the
    /// executable (where `main` and `_start` are) comes before its libraries.
    mutating func addSample(frames: [SymbolizedFrame], labels: [(String, String)], count: UInt64) {
        for frame in frames.reversed() { if let mapping = frame.mapping { _ = index(of: mapping) } }
        let locationIDs = frames.map { location(of: $0) }
        samples.append((locationIDs, labels.map { (intern($0.0), intern($0.1)) }, count))
    }

    private mutating func location(of frame: SymbolizedFrame) -> UInt64 {
        let functionID = function(named: frame.name)
        let mappingIndex = frame.mapping.map { index(of: $0) }
        let key = LocationKey(mappingIndex: mappingIndex, address: frame.address, functionID: functionID)
        if let known = locationIDs[key] { return known }
        locations.append((mappingIndex, frame.address, functionID))
        locationIDs[key] = UInt64(locations.count)
        return UInt64(locations.count)
    }

    private mutating func index(of mapping: FrameMapping) -> Int {
        if let known = mappingIndexes[mapping] { return known }
        mappings.append(mapping)
        mappingIndexes[mapping] = mappings.count - 1
        return mappings.count - 1
    }

    private mutating func function(named name: String) -> UInt64 {
        if let known = functionIDs[name] { return known }
        functionNames.append(intern(name))
        functionIDs[name] = UInt64(functionNames.count)
        return UInt64(functionNames.count)
    }

    /// Mapping ids (by table position): files first, in the order first seen, then special
    /// mappings (`[vdso]`, the kernel), so that mapping 1 is a program's binary as pprof
    /// expects of the first mapping.
    func mappingIDs() -> [UInt64] {
        let order =
            mappings.indices.filter { !mappings[$0].file.hasPrefix("[") }
            + mappings.indices.filter { mappings[$0].file.hasPrefix("[") }
        var ids = [UInt64](repeating: 0, count: mappings.count)
        for (position, index) in order.enumerated() { ids[index] = UInt64(position + 1) }
        return ids
    }
}

/// zlib's gzip through the C shim.
package enum Gzip {
    package static func compress(_ bytes: [UInt8]) throws(GzipError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = bytes.withUnsafeBufferPointer { periscope_gzip($0.baseAddress, $0.count, &output, &length) }
        guard status == 0, let output else { throw GzipError(status: status) }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }

    /// Inflates a gzip stream of at most `maximumBytes` uncompressed.
    package static func decompress(_ bytes: [UInt8], maximumBytes: Int = 1 << 30) throws(GzipError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = bytes.withUnsafeBufferPointer {
            periscope_gunzip($0.baseAddress, $0.count, maximumBytes, &output, &length)
        }
        guard status == 0, let output else { throw GzipError(status: status) }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}

package struct GzipError: Error, Sendable, CustomStringConvertible {
    package var status: Int32
    package var description: String { "zlib failed (status \(status))" }
}
