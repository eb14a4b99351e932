#if canImport(Glibc)
import Glibc
#endif

/// Reads kernel log records from /dev/kmsg without blocking.
///
/// Each read(2) of /dev/kmsg returns exactly one record. The descriptor is opened
/// O_NONBLOCK so reading stops at EAGAIN (nothing new) instead of waiting; EPIPE means the
/// ring buffer overwrote records not yet read: they are counted as lost and reading goes on
/// from the oldest record still there. Reading never changes the log (unlike `dmesg -c`).
/// Owns its descriptor: not thread-safe.
public final class KernelLogReader {
    /// Where to start reading.
    public enum Start: Sendable {
        /// After the newest record: only what the kernel logs from now on.
        case end
        /// At the oldest record still in the ring buffer.
        case beginning
    }

    /// The device read.
    public let path: String
    /// Records overwritten before they could be read (EPIPE), since opening.
    public private(set) var lostRecordReads = 0
    private let fd: Int32
    /// One record is at most 8 KiB (CONSOLE_EXT_LOG_MAX); a smaller buffer fails with EINVAL.
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8192, alignment: 16)

    /// Opens `path` (normally /dev/kmsg; needs root or CAP_SYSLOG when
    /// kernel.dmesg_restrict is 1) and seeks to `start`.
    public init(path: String = "/dev/kmsg", start: Start = .end) throws(HostReadError) {
        self.path = path
        let opened = path.withCString { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard opened >= 0 else { throw HostReadError(path: path, errno: errno) }
        fd = opened
        let whence = start == .end ? SEEK_END : SEEK_SET
        if lseek(fd, 0, whence) < 0 {
            let code = errno
            close(fd)
            throw HostReadError(path: path, errno: code)
        }
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Reads the records available now, at most `maximumRecords` (the bound keeps a flood of
    /// messages from stalling the caller); records at or after `sinceMicroseconds` only.
    public func readAvailable(
        maximumRecords: Int = 10_000, sinceMicroseconds: UInt64 = 0
    ) throws(HostReadError) -> [KernelLogRecord] {
        var records: [KernelLogRecord] = []
        var attempts = 0
        while records.count < maximumRecords, attempts < maximumRecords * 2 {
            attempts += 1
            let count: Int
            do {
                count = try SystemCall.read(fd, into: buffer)
            } catch {
                if error.isWouldBlock { return records }
                if error.rawValue == EPIPE {
                    lostRecordReads += 1
                    continue
                }
                throw HostReadError(path: path, error)
            }
            if count == 0 { return records }
            let record = try KernelLogRecord.parse(UnsafeRawBufferPointer(rebasing: buffer[..<count]), path: path)
            if record.timestampMicroseconds >= sinceMicroseconds { records.append(record) }
        }
        return records
    }
}
