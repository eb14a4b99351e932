#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport

/// An ELF file read with `pread` from a descriptor this value owns the lifetime of only
/// through `ELFFileSource.withFile`; every read is bounded by the size `fstat` gave.
public struct ELFFileSource: ELFByteSource {
    let fileDescriptor: Int32
    public let byteCount: UInt64
    /// The largest single read allowed, whatever the file claims.
    static let maximumReadBytes = 256 << 20

    public func bytes(at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, count <= Self.maximumReadBytes, offset <= byteCount, UInt64(count) <= byteCount - offset else { return nil }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = buffer.withUnsafeMutableBytes { pread(fileDescriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return nil }
            done += got
        }
        return buffer
    }

    /// The identity of an opened file, for caching symbol tables across processes and containers.
    public struct FileIdentity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
    }

    /// Opens `path` inside the filesystem root of process `pid` (its mount namespace, through
    /// /proc/PID/root, without following links out of it), refuses anything that is not a
    /// regular file, and calls `body` with the file's identity and a source over it.
    public static func withFile<Result>(
        pid: Int32, path: String, procRoot: String = "/proc",
        _ body: (FileIdentity, ELFFileSource) -> Result
    ) -> Result? {
        let rootDescriptor = open("\(procRoot)/\(pid)/root", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootDescriptor >= 0 else { return nil }
        defer { close(rootDescriptor) }
        let descriptor = periscope_open_in_root(rootDescriptor, path)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let identity = FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        return body(identity, ELFFileSource(fileDescriptor: descriptor, byteCount: UInt64(status.st_size)))
    }
}
