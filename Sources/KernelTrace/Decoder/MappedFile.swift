#if canImport(Glibc)
import Glibc
#endif

/// A whole regular file mapped read-only: the decoder reads cpuN.raw in place, without
/// copying, and drops the pages it has passed (see `RingBufferCursor`), so the resident size
/// stays bounded however large the file is. A FIFO or device is refused, never blocked on.
public final class MappedFile {
    public let path: String
    public let bytes: UnsafeRawBufferPointer
    private let mappedAddress: UnsafeMutableRawPointer?

    public init(path: String) throws(TraceDirectoryError) {
        self.path = path
        let (fd, size) = try TraceDirectoryFile.openRegular(path)
        defer { close(fd) }
        if size == 0 {
            mappedAddress = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw .io(path: path, errno: errno, operation: "map")
        }
        madvise(address, size, MADV_SEQUENTIAL)
        mappedAddress = address
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let mappedAddress { munmap(mappedAddress, bytes.count) }
    }
}
