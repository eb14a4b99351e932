import Foundation
import Testing
@testable import Profiling

/// A protobuf reader just big enough to check profile.proto: fields by number, varints,
/// length-delimited bytes and packed varints.
struct ProtobufReader {
    enum Value { case varint(UInt64), bytes([UInt8]) }

    static func fields(_ bytes: [UInt8]) throws -> [(Int, Value)] {
        var fields: [(Int, Value)] = []
        var index = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < bytes.count, shift < 64 else { throw CocoaError(.fileReadCorruptFile) }
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while index < bytes.count {
            let key = try varint()
            switch key & 7 {
            case 0: fields.append((Int(key >> 3), .varint(try varint())))
            case 2:
                let length = Int(try varint())
                guard index + length <= bytes.count else { throw CocoaError(.fileReadCorruptFile) }
                fields.append((Int(key >> 3), .bytes(Array(bytes[index..<(index + length)]))))
                index += length
            default: throw CocoaError(.fileReadCorruptFile)
            }
        }
        return fields
    }

    static func packed(_ bytes: [UInt8]) throws -> [UInt64] {
        // A packed field is a run of varints: read them as field-less values.
        var values: [UInt64] = []
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes {
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { values.append(value); value = 0; shift = 0 } else { shift += 7 }
        }
        return values
    }
}

@Suite("profile outputs")
struct ProfileOutputTests {
    static let stacks = [
        FoldedStack(frames: ["web", "nginx", "main", "ngx_process_events", "epoll_wait_[k]"], count: 7),
        FoldedStack(frames: ["web", "nginx", "main", "ngx_http_parse"], count: 3),
        FoldedStack(frames: ["db", "postgres", "main", "jit_query_[j]"], count: 5)
    ]

    @Test("pprof: gzip profile.proto decodes back to the same stacks, totals and period")
    func pprofRoundTrip() throws {
        var encoder = PprofEncoder(periodNanoseconds: 10_101_010)
        encoder.durationNanoseconds = 2_000_000_000
        encoder.comments = ["test profile"]
        let compressed = try encoder.encodeGzip(Self.stacks)
        #expect(compressed.starts(with: [0x1F, 0x8B]), "gzip magic")
        let profile = try ProtobufReader.fields(try Gzip.decompress(compressed))

        var strings: [String] = []
        var functions: [UInt64: UInt64] = [:]  // function id -> name index
        var locations: [UInt64: UInt64] = [:]  // location id -> function id
        var samples: [(locations: [UInt64], values: [UInt64])] = []
        var sampleTypes: [[UInt64]] = []
        var period: UInt64 = 0
        for (field, value) in profile {
            switch (field, value) {
            case (6, .bytes(let text)): strings.append(String(decoding: text, as: UTF8.self))
            case (1, .bytes(let message)):
                sampleTypes.append(
                    try ProtobufReader.fields(message).compactMap { if case .varint(let v) = $0.1 { v } else { nil } })
            case (2, .bytes(let message)):
                var ids: [UInt64] = [], values: [UInt64] = []
                for (inner, innerValue) in try ProtobufReader.fields(message) {
                    if case .bytes(let packed) = innerValue {
                        if inner == 1 {
                            ids = try ProtobufReader.packed(packed)
                        } else if inner == 2 {
                            values = try ProtobufReader.packed(packed)
                        }
                    }
                }
                samples.append((ids, values))
            case (4, .bytes(let message)):
                var id: UInt64 = 0, function: UInt64 = 0
                for (inner, innerValue) in try ProtobufReader.fields(message) {
                    if inner == 1, case .varint(let v) = innerValue { id = v }
                    if inner == 4, case .bytes(let line) = innerValue,
                        case .varint(let f)? = try ProtobufReader.fields(line).first?.1
                    {
                        function = f
                    }
                }
                locations[id] = function
            case (5, .bytes(let message)):
                var id: UInt64 = 0, name: UInt64 = 0
                for (inner, innerValue) in try ProtobufReader.fields(message) {
                    if inner == 1, case .varint(let v) = innerValue { id = v }
                    if inner == 2, case .varint(let v) = innerValue { name = v }
                }
                functions[id] = name
            case (12, .varint(let value)): period = value
            default: break
            }
        }
        #expect(strings.first == "")
        #expect(sampleTypes.map { $0.map { strings[Int($0)] } } == [["samples", "count"], ["cpu", "nanoseconds"]])
        #expect(period == 10_101_010)
        #expect(samples.count == 3)
        #expect(samples.reduce(0) { $0 + $1.values[0] } == 15)
        #expect(samples.reduce(0) { $0 + $1.values[1] } == 15 * 10_101_010)
        // Location ids run leaf first; rebuild the folded stacks from them.
        let rebuilt = try samples.map { sample in
            FoldedStack(
                frames: try sample.locations.reversed().map { id in
                    let function = try #require(locations[id])
                    return strings[Int(try #require(functions[function]))]
                }, count: sample.values[0])
        }
        #expect(Set(rebuilt) == Set(Self.stacks))
        #expect(strings.contains("test profile"))
    }

    @Test("speedscope: sampled profile whose weights sum to the total and whose frames rebuild the stacks")
    func speedscope() throws {
        let bytes = try SpeedscopeEncoder.encode(Self.stacks, name: "test")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(json["$schema"] as? String == "https://www.speedscope.app/file-format-schema.json")
        let frames = try #require((json["shared"] as? [String: Any])?["frames"] as? [[String: Any]]).compactMap {
            $0["name"] as? String
        }
        let profile = try #require((json["profiles"] as? [[String: Any]])?.first)
        #expect(profile["type"] as? String == "sampled")
        let weights = try #require(profile["weights"] as? [Int])
        let samples = try #require(profile["samples"] as? [[Int]])
        #expect(weights.reduce(0, +) == 15)
        #expect(profile["endValue"] as? Int == 15)
        #expect(
            Set(zip(samples, weights).map { FoldedStack(frames: $0.0.map { frames[$0] }, count: UInt64($0.1)) })
                == Set(Self.stacks))
    }
}

@Suite("perf permission advice")
struct PerfPermissionAdviceTests {
    @Test("each cause is named: not root, root without CAP_PERFMON, seccomp in a container, paranoid level")
    func advice() {
        let unprivileged = PerfPermissionEnvironment(
            effectiveUserID: 1000, paranoidLevel: 2, seccompMode: 0, isInContainer: false, effectiveCapabilities: 0)
        #expect(unprivileged.permissionAdvice().contains("Not root"))
        #expect(unprivileged.permissionAdvice().contains("CAP_PERFMON"))
        #expect(unprivileged.permissionAdvice().contains("perf_event_paranoid"))
        #expect(unprivileged.permissionAdvice().contains("it is 2"))
        let debianLocked = PerfPermissionEnvironment(
            effectiveUserID: 1000, paranoidLevel: 3, seccompMode: 0, isInContainer: false, effectiveCapabilities: 0)
        #expect(debianLocked.permissionAdvice().contains("forbids perf_event_open to unprivileged users"))
        let rootWithoutCapabilities = PerfPermissionEnvironment(
            effectiveUserID: 0, paranoidLevel: 2, seccompMode: 2, isInContainer: true, effectiveCapabilities: 0xa80425fb
        )
        #expect(rootWithoutCapabilities.permissionAdvice().contains("root but without CAP_PERFMON or CAP_SYS_ADMIN"))
        #expect(rootWithoutCapabilities.permissionAdvice().contains("seccomp"))
        #expect(rootWithoutCapabilities.permissionAdvice().contains("--cap-add PERFMON"))
        let capableUser = PerfPermissionEnvironment(
            effectiveUserID: 1000, paranoidLevel: 2, seccompMode: 2, isInContainer: false,
            effectiveCapabilities: 1 << 38)
        #expect(capableUser.permissionAdvice().contains("is not the cause"))
        let error = PerfEventOpenError(
            operation: "perf_event_open(cpu-clock, cpu 0)", errorNumber: EPERM, environment: unprivileged)
        #expect(
            error.description.hasPrefix("perf_event_open(cpu-clock, cpu 0) failed: Operation not permitted. Not root"))
    }
}
