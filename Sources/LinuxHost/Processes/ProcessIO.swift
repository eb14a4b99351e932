/// The storage I/O of one process from `/proc/PID/io`: bytes it caused to be read from and
/// written to block devices, its reaped children included (the kernel adds a child's counts
/// to its parent's when the parent waits for it).
///
/// This is the per-process accounting that still works when v1 blkio accounting is dead
/// (`BlockIOAccounting`). Reading another user's file needs ptrace access (root).
public struct ProcessIOCounters: Sendable, Equatable, Codable {
    /// `read_bytes`: bytes fetched from storage (page cache hits not included).
    public var readBytes: UInt64
    /// `write_bytes`: bytes sent to storage (or dirtied in the page cache for later writeback).
    public var writtenBytes: UInt64

    /// Creates a value from its fields.
    public init(readBytes: UInt64, writtenBytes: UInt64) {
        self.readBytes = readBytes
        self.writtenBytes = writtenBytes
    }

    /// Parses `/proc/PID/io` (`key: value` lines).
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> ProcessIOCounters {
        var scanner = ByteScanner(bytes)
        var read: UInt64?, written: UInt64?
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            let lineStart = scanner.offset
            guard let colon = UnsafeRawBufferPointer(rebasing: bytes[lineStart...]).firstIndex(of: .colon) else {
                break
            }
            let key = lineStart..<(lineStart + colon)
            scanner.seek(to: key.upperBound + 1)
            scanner.skipSpaces()
            if scanner.matches(key, "read_bytes") {
                read = scanner.readUInt64()
            } else if scanner.matches(key, "write_bytes") {
                written = scanner.readUInt64()
            }
        }
        guard let read, let written else {
            throw HostReadError(path: path, malformed: "no read_bytes/write_bytes line")
        }
        return ProcessIOCounters(readBytes: read, writtenBytes: written)
    }
}

extension Procfs {
    /// `/proc/PID/io` of a process (threads and reaped children included).
    public func io(_ task: TaskID) throws(HostReadError) -> ProcessIOCounters {
        let path = path(task, "io")
        return try reader.withContents(of: path) { bytes throws(HostReadError) in
            try ProcessIOCounters.parse(bytes, path: path)
        }
    }
}
