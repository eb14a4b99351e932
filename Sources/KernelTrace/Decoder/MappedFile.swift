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
    private let mappedLength: Int

    /// `readableSlackBytes`: that many zero bytes readable past the end of the file, for
    /// decoders that load a whole word at the last field (the CTF bit reader). The file is
    /// mapped over the start of an anonymous zero mapping that long, so a file whose size is a
    /// multiple of the page size is followed by zeroes, not by an unmapped page.
    public init(path: String, readableSlackBytes: Int = 0) throws(TraceDirectoryError) {
        self.path = path
        let (fd, size) = try TraceDirectoryFile.openRegular(path)
        defer { close(fd) }
        if size == 0 && readableSlackBytes == 0 {
            mappedAddress = nil
            mappedLength = 0
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let length = size + readableSlackBytes
        if readableSlackBytes == 0 {
            guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
                throw .io(path: path, errno: errno, operation: "map")
            }
            mappedAddress = address
        } else {
            guard let reserved = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                reserved != MAP_FAILED
            else { throw .io(path: path, errno: errno, operation: "map") }
            if size > 0 {
                guard let address = mmap(reserved, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0),
                    address != MAP_FAILED
                else {
                    let code = errno
                    munmap(reserved, length)
                    throw .io(path: path, errno: code, operation: "map")
                }
            }
            mappedAddress = reserved
        }
        if size > 0 { madvise(mappedAddress, size, MADV_SEQUENTIAL) }
        mappedLength = length
        bytes = UnsafeRawBufferPointer(start: mappedAddress, count: size)
    }

    deinit {
        if let mappedAddress { munmap(mappedAddress, mappedLength) }
    }
}
