// Appends numbered batches to a recording forever, printing "committed N" after each append
// returns, for RecordingTests' kill -9 test: every printed N must be in the store after the kill.
// Usage: RecordingCrashWriter PATH CONTAINERS
import Foundation
import Recording

let arguments = CommandLine.arguments
guard arguments.count == 3, let containerCount = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: RecordingCrashWriter PATH CONTAINERS\n".utf8))
    exit(2)
}
do {
    var configuration = RecordingStore.Configuration()
    // Blocks of 5 s, so packing and maintenance run often between the kills.
    configuration.blockSpanMilliseconds = 5_000
    configuration.maintenanceIntervalMilliseconds = 5_000
    let store = try RecordingStore(path: arguments[1], configuration: configuration)
    // Continue numbering after what an earlier (killed) writer committed.
    let start = (try store.sampleTimeRange()?.upperBound).map { $0 / 1000 + 1 } ?? 1
    var batchNumber = start
    while true {
        var samples: [RecordingBatch.Entry] = []
        for index in 0..<containerCount {
            var values = RecordedValues()
            values[.cpuUsageMicroseconds] = batchNumber * 1000 + Int64(index)
            values[.memoryWorkingSetBytes] = Int64(index) << 20
            samples.append(
                RecordingBatch.Entry(
                    container: RecordedContainerKey(runtime: "docker", id: "crash\(index)"),
                    unixMilliseconds: batchNumber * 1000, values: values))
        }
        let event = RecordedEvent(
            unixMilliseconds: batchNumber * 1000, kind: .recorder, message: "batch \(batchNumber)")
        try store.append(RecordingBatch(unixMilliseconds: batchNumber * 1000, samples: samples, events: [event]))
        // Unbuffered: the line is out before the next batch starts, so a kill cannot hold it back.
        FileHandle.standardOutput.write(Data("committed \(batchNumber)\n".utf8))
        batchNumber += 1
    }
} catch {
    FileHandle.standardError.write(Data("RecordingCrashWriter: \(error)\n".utf8))
    exit(1)
}
