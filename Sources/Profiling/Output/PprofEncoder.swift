#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport

/// Folded stacks as a pprof `profile.proto`, gzip-compressed: the format `go tool pprof`,
/// Grafana Pyroscope and Parca read.
///
/// Each distinct frame name becomes one Function and one Location (frames come already
/// symbolized, so locations carry no addresses). Every stack is a Sample whose location ids
/// run leaf first, with two values: the sample count and the CPU time it stands for
/// (count x period).
public struct PprofEncoder {
    /// Nanoseconds of CPU one sample stands for (1e9 / frequency).
    public var periodNanoseconds: Int64
    /// When sampling started (Unix nanoseconds) and how long it ran.
    public var startUnixNanoseconds: Int64 = 0
    public var durationNanoseconds: Int64 = 0
    /// Free-form comments (target, scope).
    public var comments: [String] = []

    public init(periodNanoseconds: Int64) { self.periodNanoseconds = periodNanoseconds }

    /// The uncompressed profile.proto bytes.
    public func encode(_ stacks: [FoldedStack]) -> [UInt8] {
        var strings: [String] = [""]
        var stringIndex: [String: UInt64] = ["": 0]
        func intern(_ text: String) -> UInt64 {
            if let index = stringIndex[text] { return index }
            let index = UInt64(strings.count)
            strings.append(text)
            stringIndex[text] = index
            return index
        }
        var frames = FrameTable()
        var samples: [(locations: [UInt64], count: UInt64)] = []
        samples.reserveCapacity(stacks.count)
        for stack in stacks where stack.count > 0 {
            // Location (and function) ids are frame numbers + 1, leaf first.
            samples.append((frames.numbers(of: stack).reversed().map { UInt64($0 + 1) }, stack.count))
        }
        let functionNames = frames.names.map { intern(String(decoding: $0, as: UTF8.self)) }
        let samplesType = intern("samples"), countUnit = intern("count")
        let cpuType = intern("cpu"), nanosecondsUnit = intern("nanoseconds")
        let commentIndexes = comments.map(intern)

        var profile = ProtobufWriter()
        profile.message(1) { $0.uint64(1, samplesType); $0.uint64(2, countUnit) }
        profile.message(1) { $0.uint64(1, cpuType); $0.uint64(2, nanosecondsUnit) }
        for sample in samples {
            profile.message(2) { message in
                message.packed(1, sample.locations)
                message.packed(2, [sample.count, sample.count &* UInt64(max(0, periodNanoseconds))])
            }
        }
        for (index, name) in functionNames.enumerated() {
            let id = UInt64(index + 1)
            profile.message(4) { location in
                location.uint64(1, id)
                location.message(4) { $0.uint64(1, id) }
            }
            profile.message(5) { function in
                function.uint64(1, id)
                function.uint64(2, name)
                function.uint64(3, name)
            }
        }
        for text in strings { profile.string(6, text) }
        profile.int64(9, startUnixNanoseconds)
        profile.int64(10, durationNanoseconds)
        profile.message(11) { $0.uint64(1, cpuType); $0.uint64(2, nanosecondsUnit) }
        profile.int64(12, periodNanoseconds)
        for index in commentIndexes { profile.uint64(13, index) }
        return profile.bytes
    }

    /// The gzip-compressed profile, as `go tool pprof` expects in a file.
    public func encodeGzip(_ stacks: [FoldedStack]) throws(GzipError) -> [UInt8] {
        try Gzip.compress(encode(stacks))
    }
}

/// zlib's gzip through the C shim.
public enum Gzip {
    public static func compress(_ bytes: [UInt8]) throws(GzipError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = bytes.withUnsafeBufferPointer { periscope_gzip($0.baseAddress, $0.count, &output, &length) }
        guard status == 0, let output else { throw GzipError(status: status) }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }

    /// Inflates a gzip stream of at most `maximumBytes` uncompressed.
    public static func decompress(_ bytes: [UInt8], maximumBytes: Int = 1 << 30) throws(GzipError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = bytes.withUnsafeBufferPointer { periscope_gunzip($0.baseAddress, $0.count, maximumBytes, &output, &length) }
        guard status == 0, let output else { throw GzipError(status: status) }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}

public struct GzipError: Error, Sendable, CustomStringConvertible {
    public var status: Int32
    public var description: String { "zlib failed (status \(status))" }
}
