#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped read-only: the decoder reads cpuN.raw in place, without copying.
public final class MappedFile {
    public let path: String
    public let bytes: UnsafeRawBufferPointer
    private let mappedAddress: UnsafeMutableRawPointer?

    public init(path: String) throws(TraceDirectoryError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, errno: errno, operation: "open") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, errno: errno, operation: "stat") }
        let size = Int(info.st_size)
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
