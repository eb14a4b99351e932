import Foundation

/// The capture directory: one subdirectory per capture (named by its id) and `captures.json`,
/// the list, rewritten atomically at every change. Results are kept within a byte budget by
/// deleting the oldest finished captures' files first (their records stay, marked evicted).
///
/// Not thread-safe: `CaptureManager` serializes every call.
package final class CaptureDirectory {
    package let root: String
    package let budgetBytes: UInt64
    package private(set) var records: [CaptureRecord] = []

    static let indexName = "captures.json"

    /// Opens (creating it) the directory and loads its list. Captures that were running when
    /// the agent last stopped without finishing them are marked failed.
    package init(root: String, budgetBytes: UInt64) throws {
        self.root = root
        self.budgetBytes = budgetBytes
        try FileManager.default.createDirectory(
            atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let data = FileManager.default.contents(atPath: indexPath) {
            do {
                records = try JSONDecoder().decode([CaptureRecord].self, from: data)
            } catch {
                throw CaptureDirectoryError(
                    path: indexPath, detail: "not a capture list written by Periscope: \(error)")
            }
        }
        var changed = false
        for index in records.indices where records[index].state == .running {
            records[index].state = .failed
            records[index].error = "the agent stopped during the capture"
            changed = true
        }
        if changed { try save() }
    }

    var indexPath: String { "\(root)/\(Self.indexName)" }

    /// The directory that holds one capture's files.
    package func directory(of id: CaptureID) -> String { "\(root)/\(id.text)" }

    /// The result file of a finished capture, or nil: an id that is not in the list, a capture
    /// still running, or an evicted one. The path is built only from the validated id and the
    /// file name the agent chose, never from request text.
    package func resultPath(of id: CaptureID) -> String? {
        guard let record = record(id), record.hasFile, let fileName = record.fileName else { return nil }
        return "\(directory(of: id))/\(fileName)"
    }

    package func record(_ id: CaptureID) -> CaptureRecord? { records.last { $0.id == id } }

    /// Adds a record and creates its directory (for a capture that runs).
    func add(_ record: CaptureRecord, createDirectory: Bool) throws {
        if createDirectory {
            try FileManager.default.createDirectory(
                atPath: directory(of: record.id), withIntermediateDirectories: false,
                attributes: [.posixPermissions: 0o700])
        }
        records.append(record)
        try save()
    }

    /// Replaces a record, then deletes the oldest results until the directory fits its budget.
    func update(_ record: CaptureRecord) throws {
        guard let index = records.lastIndex(where: { $0.id == record.id }) else { return }
        records[index] = record
        enforceBudget()
        try save()
    }

    /// Bytes held by the results still on disk.
    package var storedBytes: UInt64 {
        records.reduce(0) { $0 + ($1.evicted || $1.state == .running ? 0 : ($1.sizeBytes ?? 0)) }
    }

    private func enforceBudget() {
        var total = storedBytes
        // Oldest first; the list is in start order.
        for index in records.indices where total > budgetBytes {
            guard records[index].state != .running, !records[index].evicted, let size = records[index].sizeBytes,
                size > 0
            else { continue }
            try? FileManager.default.removeItem(atPath: directory(of: records[index].id))
            records[index].evicted = true
            total -= size
        }
    }

    private func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try encoder.encode(records).write(to: URL(fileURLWithPath: indexPath), options: .atomic)
        } catch {
            throw CaptureDirectoryError(path: indexPath, detail: "cannot write: \(error)")
        }
    }
}

/// The capture directory or its list could not be read or written.
package struct CaptureDirectoryError: Error, CustomStringConvertible {
    package var path: String
    package var detail: String
    package var description: String { "capture directory: \(path): \(detail)" }
}
