#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// The mounted tracefs: where it is and how to read and write its small control files.
///
/// Control files are written with one `write(2)`: tracefs parses each write as a whole
/// command, so a split write would be two commands.
public struct Tracefs: Sendable {
    /// The mount point, e.g. /sys/kernel/tracing.
    public let root: String

    public init(root: String) { self.root = root }

    /// The usual mount points, newest first.
    public static let candidateRoots = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]

    /// Finds a mounted tracefs; with `mountIfAbsent`, mounts it at /sys/kernel/tracing.
    public static func locate(mountIfAbsent: Bool = false) throws(TracefsError) -> Tracefs {
        var deniedRoot: String?
        for root in candidateRoots {
            if access("\(root)/instances", F_OK) == 0 { return Tracefs(root: root) }
            // tracefs is mode 0700 root: a user sees EACCES, not a missing mount.
            if errno == EACCES || errno == EPERM, deniedRoot == nil { deniedRoot = root }
        }
        if let deniedRoot {
            throw TracefsError(
                path: deniedRoot, operation: "open tracefs at",
                detail: "permission denied: tracing needs root (tracefs is readable by root only)")
        }
        let target = candidateRoots[0]
        guard mountIfAbsent else {
            throw TracefsError(
                path: target, operation: "find tracefs at",
                detail: "not mounted; run `mount -t tracefs nodev \(target)` as root")
        }
        if mount("nodev", target, "tracefs", 0, nil) != 0 {
            throw TracefsError(path: target, operation: "mount tracefs on", errno: Glibc.errno)
        }
        return Tracefs(root: target)
    }

    public func path(_ relative: String) -> String { "\(root)/\(relative)" }

    /// Reads a whole small file as text.
    public func read(_ relative: String) throws(TracefsError) -> String {
        let bytes = try readBytes(relative)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a whole small file (format files, stats, control values).
    public func readBytes(_ relative: String) throws(TracefsError) -> [UInt8] {
        try Self.readFile(path(relative))
    }

    /// Writes `value` to a control file in one write; `append` adds instead of replacing
    /// (set_event_pid, set_event).
    public func write(_ relative: String, _ value: String, append: Bool = false) throws(TracefsError) {
        let full = path(relative)
        let fd: Int32
        do {
            fd = try SystemCall.open(full, O_WRONLY | (append ? O_APPEND : O_TRUNC))
        } catch {
            throw TracefsError(path: full, operation: "open for writing", errno: error.rawValue)
        }
        defer { try? SystemCall.close(fd) }
        var bytes = Array(value.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        let written: Int
        do {
            written = try SystemCall.write(fd, bytes)
        } catch {
            throw TracefsError(path: full, operation: "write '\(value)' to", errno: error.rawValue)
        }
        guard written == bytes.count else { throw TracefsError(path: full, operation: "write '\(value)' to") }
    }

    public func exists(_ relative: String) -> Bool { access(path(relative), F_OK) == 0 }

    /// Reads any file up to `limit` bytes (tracefs files report size 0, so read to EOF).
    static func readFile(_ path: String, limit: Int = 16 << 20) throws(TracefsError) -> [UInt8] {
        do { return try KernelFileReader.bytes(of: path, maximumBytes: limit) } catch {
            throw TracefsError(reading: error)
        }
    }
}
