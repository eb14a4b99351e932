import Foundation
import Profiling
import Reporting

/// The summary `periscope profile` writes to standard error after a profile.
package enum ProfileSummaryText {
    /// What was sampled, what was kept and lost, how symbols were found, and the samples per container.
    package static func render(
        _ result: ProfileResult, target: ProfileTarget, symbolizer: Symbolizer, frequency: UInt64, bufferPages: Int
    ) -> String {
        var lines: [String] = []
        let seconds = fixed(result.durationSeconds, 1)
        lines.append(
            "periscope: profiled \(target.summary) for \(seconds) s at \(frequency) Hz on \(result.cpus.count) CPUs: \(result.keptSampleCount) samples kept of \(result.sampleCount) read, \(result.lostSampleCount) lost\(result.malformedRecordCount > 0 ? ", \(result.malformedRecordCount) malformed" : ""), \(result.stacks.stacks.count) unique stacks"
        )
        lines.append(
            "  sampled: \(result.scope.summary); event \(result.event.rawValue)\(result.eventFallbackReason.map { " (\($0))" } ?? "")"
        )
        if result.lostSampleCount > 0 {
            lines.append(
                "  \(result.lostSampleCount) samples were lost (a ring buffer filled before it was read): raise --buffer-pages (now \(bufferPages)) or lower -F"
            )
        }
        lines.append(
            "  symbols: \(symbolizer.loadedFileCount) files read, \(symbolizer.rejectedFileCount) unreadable or not ELF, \(symbolizer.jitFrameCount) frames named from JIT perf maps"
        )
        for (name, count) in result.samplesByContainer.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            let share = result.keptSampleCount > 0 ? 100 * Double(count) / Double(result.keptSampleCount) : 0
            lines.append(
                "  \(name.padding(toLength: max(name.count, 24), withPad: " ", startingAt: 0)) \(String(format: "%8d", count)) samples  \(String(format: "%5.1f", share))%"
            )
        }
        return lines.joined(separator: "\n")
    }
}
