import Foundation
import Recording

/// How `record` and `serve` open the recording at `--db` for writing: its directory is created
/// when missing, and a store that cannot be opened (foreign, newer, read-only, full) is a
/// user-facing error with the store's own reason.
enum RecordingStoreOpening {
    static func open(path db: String, retentionSeconds: Double, maximumSizeBytes: Int64?) throws -> RecordingStore {
        let directory = (db as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw UserFacingError("cannot create \(directory) for --db \(db): \(error.localizedDescription)")
            }
        }
        var configuration = RecordingStore.Configuration()
        configuration.retentionMilliseconds = Int64(retentionSeconds * 1000)
        configuration.maximumSizeBytes = maximumSizeBytes
        do {
            return try RecordingStore(path: db, configuration: configuration)
        } catch {
            throw UserFacingError(error.description)
        }
    }
}
