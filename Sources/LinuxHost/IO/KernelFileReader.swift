#if canImport(Glibc)
import Glibc
#endif

/// Reads small kernel files (procfs, sysfs, cgroupfs) into one reusable buffer.
///
/// Kernel pseudo-files are generated on read, so `stat` sizes are meaningless: the reader
/// grows its buffer until a read returns short. One reader is meant to be reused across
/// thousands of files in a scan, so no allocation happens per file once warmed up.
/// Not thread-safe: give each thread its own reader.
public final class KernelFileReader {
    private var storage: UnsafeMutableRawBufferPointer
    /// Files larger than this are refused: nothing Periscope reads this way is bigger,
    /// and a hostile or broken file must not make us allocate without bound.
    public let maximumFileBytes: Int

    public init(initialCapacity: Int = 16 * 1024, maximumFileBytes: Int = 16 * 1024 * 1024) {
        storage = .allocate(byteCount: initialCapacity, alignment: 16)
        self.maximumFileBytes = maximumFileBytes
    }

    deinit { storage.deallocate() }

    /// Opens `path`, reads it whole, closes it, and passes the bytes to `body`.
    ///
    /// The bytes are valid only inside `body`. Retries EINTR; throws the errno of
    /// open(2)/read(2) with the path.
    public func withContents<Result>(
        of path: String,
        _ body: (UnsafeRawBufferPointer) throws(HostReadError) -> Result
    ) throws(HostReadError) -> Result {
        let fd = try Self.openForReading(path)
        defer { close(fd) }
        let count = try readAll(fd: fd, path: path, fromOffsetZero: false)
        return try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// Re-reads an already open counter file from offset 0 with pread(2), the cheap way
    /// to sample the same cgroup or proc file repeatedly. A first read shorter than
    /// `completeBelow` bytes is taken as the whole file, which saves the second pread of a
    /// read-until-EOF loop:
    /// - `0` (the default): read until EOF;
    /// - a list of short records (`cgroup.procs`): its reads stop early only when the kernel's
    ///   page-sized buffer is nearly full, so a read under a page's worth is all of it;
    /// - `KernelFileReader.generatedInOnePiece`: a file the kernel generates in one piece
    ///   (`/proc/PID/stat`, `/proc/PID/io`: one show call, its buffer grown until the whole
    ///   text fits) or a regular file, of which any short read is all. Not for files of many
    ///   records (`/proc/net/dev`, `cgroup.procs`): those stop a read at a page of records.
    public func withContents<Result>(
        ofOpenDescriptor fd: Int32, path: String, completeBelow: Int = 0,
        _ body: (UnsafeRawBufferPointer) throws(HostReadError) -> Result
    ) throws(HostReadError) -> Result {
        let count = try readAll(fd: fd, path: path, fromOffsetZero: true, completeBelow: completeBelow)
        return try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// `completeBelow` for a file the kernel generates in one piece: any short read is all of it.
    public static let generatedInOnePiece = Int.max

    /// Reads the target of a symbolic link (e.g. `/proc/PID/ns/pid` -> `pid:[4026531836]`)
    /// into the buffer.
    public func withLinkTarget<Result>(
        of path: String,
        _ body: (UnsafeRawBufferPointer) throws(HostReadError) -> Result
    ) throws(HostReadError) -> Result {
        let capacity = min(storage.count, 4096)
        let count = path.withCString {
            readlink($0, storage.baseAddress!.assumingMemoryBound(to: CChar.self), capacity)
        }
        guard count >= 0 else { throw HostReadError(path: path, errno: errno) }
        return try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// Reads the whole file as a String (for edges, not hot paths).
    public func string(of path: String) throws(HostReadError) -> String {
        try withContents(of: path) { bytes in String(decoding: bytes, as: UTF8.self) }
    }

    /// Reads a whole file of at most `maximumBytes` once, with a reader of its own: for
    /// edges that read one file (a tracefs format, a CTF metadata file), not scans.
    public static func bytes(of path: String, maximumBytes: Int = 16 * 1024 * 1024) throws(HostReadError) -> [UInt8] {
        try KernelFileReader(initialCapacity: min(16 * 1024, maximumBytes), maximumFileBytes: maximumBytes)
            .withContents(of: path) { bytes in Array(bytes) }
    }

    /// open(2) read-only (close-on-exec, EINTR retried), the errno mapped to the path.
    package static func openForReading(_ path: String) throws(HostReadError) -> Int32 {
        do { return try SystemCall.open(path, O_RDONLY) } catch { throw HostReadError(path: path, error) }
    }

    private func readAll(
        fd: Int32, path: String, fromOffsetZero: Bool, completeBelow: Int = 0
    ) throws(HostReadError) -> Int {
        var filled = 0
        while true {
            if filled == storage.count {
                guard storage.count < maximumFileBytes else {
                    throw HostReadError(path: path, malformed: "larger than \(maximumFileBytes) bytes")
                }
                grow()
            }
            let room = UnsafeMutableRawBufferPointer(rebasing: storage[filled...])
            let got: Int
            do {
                got =
                    fromOffsetZero
                    ? try SystemCall.pread(fd, into: room, at: filled) : try SystemCall.read(fd, into: room)
            } catch {
                throw HostReadError(path: path, error)
            }
            if got == 0 { return filled }
            filled += got
            // A short first read of a file generated whole, or of a short list, was all of it.
            if filled == got, got < min(room.count, completeBelow) { return filled }
        }
    }

    private func grow() {
        let bigger = UnsafeMutableRawBufferPointer.allocate(
            byteCount: min(storage.count * 2, maximumFileBytes), alignment: 16)
        bigger.copyMemory(from: UnsafeRawBufferPointer(storage))
        storage.deallocate()
        storage = bigger
    }
}
