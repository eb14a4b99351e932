@testable import KernelTrace
import Testing

/// Property test of the page decoder on hostile input: valid pages mutated (random bytes,
/// truncation, corrupt commit words and event headers, absurd lengths and data_loc words)
/// must decode or throw `RingBufferDecodeError`, never crash, read out of bounds or hang.
/// Run under the address sanitizer to catch silent out-of-bounds reads:
///   swift test --sanitize=address --filter RingBufferFuzzTests
@Suite struct RingBufferFuzzTests {
    /// Deterministic xorshift so a failure reproduces from its run number.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    static let runs = 12_000

    static func seedStream(_ random: inout Generator) -> [UInt8] {
        var builder = RingBufferPageBuilder(pageSize: 4096)
        for page in 0..<3 {
            builder.startPage(timestamp: UInt64(page + 1) * 1_000_000, missedEvents: page == 1 ? 5 : nil)
            for index in 0..<Int.random(in: 1...40, using: &random) {
                switch index % 5 {
                case 0:
                    builder.event(
                        delta: 10, payload: SyntheticTrace.execPayload(filename: "/bin/sh", pid: 7),
                        forceLengthWord: true)
                case 1: builder.timeExtend(UInt64.random(in: 0...(1 << 40), using: &random))
                case 2: builder.discarded(delta: 2, length: 8)
                default:
                    builder.event(
                        delta: 3, payload: SyntheticTrace.switchPayload(prev: "a", prevPID: 1, next: "b", nextPID: 2))
                }
            }
        }
        builder.finishPage()
        return builder.stream
    }

    static func mutate(_ stream: inout [UInt8], _ random: inout Generator) {
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0:  // random bytes anywhere
                stream[Int.random(in: 0..<stream.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 1:  // truncate
                stream.removeLast(Int.random(in: 0..<stream.count, using: &random))
                if stream.isEmpty { return }
            case 2:  // corrupt a commit word
                let page = Int.random(in: 0..<max(1, stream.count / 4096), using: &random) * 4096
                if page + 16 <= stream.count {
                    for offset in 8..<16 { stream[page + offset] = UInt8.random(in: 0...255, using: &random) }
                }
            case 3:  // an absurd length word after a header
                let offset = Int.random(in: 0..<stream.count, using: &random) & ~3
                if offset + 8 <= stream.count {
                    stream[offset] = 0
                    for index in 4..<8 { stream[offset + index] = 0xff }
                }
            case 4:  // a random type_len
                let offset = Int.random(in: 0..<stream.count, using: &random) & ~3
                stream[offset] = (stream[offset] & ~31) | UInt8.random(in: 0...31, using: &random)
            default:  // a data_loc pointing anywhere
                let offset = Int.random(in: 0..<stream.count, using: &random) & ~3
                if offset + 4 <= stream.count {
                    for index in 0..<4 { stream[offset + index] = UInt8.random(in: 0...255, using: &random) }
                }
            }
        }
    }

    @Test func mutatedStreamsDecodeOrThrowNeverCrash() throws {
        var random = Generator(state: 0x9E37_79B9_7F4A_7C15)
        var thrown = 0
        var decodedEvents = 0
        for _ in 0..<Self.runs {
            var stream = Self.seedStream(&random)
            Self.mutate(&stream, &random)
            let (reader, storage) = try SyntheticTrace.reader(streams: [stream, Self.seedStream(&random)])
            var counter = CountingConsumer()
            do {
                try reader.decode(into: &counter)
            } catch {
                thrown += 1
                #expect(error.offset >= 0 && error.offset <= stream.count + 3 * 4096)
            }
            decodedEvents += counter.events
            _ = storage
        }
        // Both outcomes must occur, or the mutations are not reaching the decoder.
        #expect(thrown > Self.runs / 10)
        #expect(thrown < Self.runs)
        #expect(decodedEvents > 0)
    }

    struct CountingConsumer: EventConsumer {
        var events = 0
        var bytes = 0
        mutating func begin(_ trace: TraceDescription) {}
        mutating func consume(_ record: EventRecord) {
            events += 1
            // Touch every span so a bad pointer would fault here.
            for index in record.eventClass.fields.indices where !record.eventClass.fields[index].isScalar {
                bytes &+= record.bytes(index).reduce(0) { $0 &+ Int($1) }
            }
        }
    }
}
