import ContainerInventory
import Foundation
import LinuxHost
import Presentation
import Profiling

/// A CPU profile of a container, exactly as `periscope profile --container ID -d N` takes it:
/// the same sampling session (cgroup-scoped perf events, closed on every exit), symbolizer
/// and encoders.
package struct ProfileCaptureRunner: CaptureRunner {
    package var frequencyHz: UInt64 = 99
    package var inventory = InventoryOptions()

    package init() {}

    package func run(_ job: CaptureJob, shouldStop: @escaping @Sendable () -> Bool) throws -> CaptureOutput {
        let format = job.format ?? .svg
        let target = ProfileTarget.containers([job.container.id])
        let attribution: SampleAttribution
        do {
            attribution = try SampleAttribution(target: target, inventoryOptions: inventory)
        } catch {
            throw CaptureRunError("\(error)")
        }
        var warnings: [String] = []
        let kernel: KernelSymbols
        do {
            kernel = try KernelSymbols.load()
        } catch {
            warnings.append("kernel frames are unnamed: \(error)")
            kernel = KernelSymbols(parsing: UnsafeRawBufferPointer(start: nil, count: 0))
        }
        var options = ProfileOptions()
        options.frequencyHz = frequencyHz
        options.durationSeconds = job.durationSeconds
        let session = ProfileSession(options: options, attribution: attribution, symbolizer: Symbolizer(kernel: kernel))
        let startedUnixNanoseconds = Int64(Date().timeIntervalSince1970 * 1e9)
        let result: ProfileResult
        do { result = try session.run(shouldStop: shouldStop) } catch { throw CaptureRunError("\(error)") }
        let title = "CPU profile (container \(job.container.displayName))"
        let bytes = try result.encoded(
            as: format, title: title, frequencyHz: frequencyHz, startedUnixNanoseconds: startedUnixNanoseconds,
            comments: [
                "periscope agent capture \(job.id) of container \(job.container.displayName) at \(frequencyHz) Hz",
                "sampled: \(result.scope.summary)"
            ])
        let fileName = "profile.\(format.fileExtension)"
        try CaptureFiles.write(bytes, to: "\(job.directory)/\(fileName)")
        if result.keptSampleCount == 0 {
            warnings.append("no samples of \(job.container.displayName): was it running on a CPU?")
        }
        if result.lostSampleCount > 0 {
            warnings.append("\(result.lostSampleCount) samples lost (a ring buffer filled before it was read)")
        }
        let seconds = String(format: "%.1f", result.durationSeconds)
        return CaptureOutput(
            fileName: fileName, contentType: format.contentType,
            summary:
                "\(result.keptSampleCount) samples in \(seconds) s at \(frequencyHz) Hz, \(result.stacks.stacks.count) unique stacks; sampled \(result.scope.summary)",
            warning: warnings.isEmpty ? nil : warnings.joined(separator: "; "))
    }
}
