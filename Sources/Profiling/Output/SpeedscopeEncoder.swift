import Foundation

/// Folded stacks as a speedscope "sampled" profile (https://www.speedscope.app/file-format-schema.json):
/// one shared frame table, one sample per stack (frame indexes root first) weighted by its count.
package enum SpeedscopeEncoder {
    struct File: Encodable {
        var schema = "https://www.speedscope.app/file-format-schema.json"
        var shared: Shared
        var profiles: [Profile]
        var name: String
        var exporter = "periscope"
        var activeProfileIndex = 0

        enum CodingKeys: String, CodingKey {
            case schema = "$schema", shared, profiles, name, exporter, activeProfileIndex
        }
    }
    struct Shared: Encodable { var frames: [Frame] }
    struct Frame: Encodable { var name: String }
    struct Profile: Encodable {
        var type = "sampled"
        var name: String
        var unit: String
        var startValue: UInt64 = 0
        var endValue: UInt64
        var samples: [[Int]]
        var weights: [UInt64]
    }

    /// `unit` is speedscope's: "none" for sample counts, "nanoseconds" for weighted time.
    package static func encode(_ stacks: [FoldedStack], name: String, unit: String = "none") throws -> [UInt8] {
        var table = FrameTable()
        var samples: [[Int]] = []
        var weights: [UInt64] = []
        for stack in stacks where stack.count > 0 {
            samples.append(table.numbers(of: stack))
            weights.append(stack.count)
        }
        let frames = table.names.map { Frame(name: String(decoding: $0, as: UTF8.self)) }
        let total = weights.reduce(0, &+)
        let file = File(
            shared: Shared(frames: frames),
            profiles: [Profile(name: name, unit: unit, endValue: total, samples: samples, weights: weights)], name: name
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(file))
    }
}
