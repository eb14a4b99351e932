#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport

/// A regular file opened inside a filesystem root and kept open: a symbol table that reads
/// names only when a lookup needs them holds one. Owns its descriptor (closed on deinit);
/// every read is bounded by the size `fstat` gave at open.
package final class ELFOpenFile: ELFByteSource, Sendable {
    /// `pread` over the descriptor this object owns.
    package let source: ELFFileSource
    /// Device and inode, for caching symbol tables across processes and containers.
    package let identity: ELFFileSource.FileIdentity

    /// Opens `path` resolved inside `root` (openat2 RESOLVE_IN_ROOT: absolute links and `..`
    /// stay inside), non-blocking so a FIFO cannot stall the profiler; nil unless it is a
    /// regular file.
    package init?(in root: FilesystemRoot, path: String) {
        let descriptor = periscope_open_in_root(root.descriptor, path)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            return nil
        }
        identity = ELFFileSource.FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        source = ELFFileSource(fileDescriptor: descriptor, byteCount: UInt64(status.st_size))
    }

    deinit { close(source.fileDescriptor) }

    package var byteCount: UInt64 { source.byteCount }

    package func bytes(at offset: UInt64, count: Int) -> [UInt8]? { source.bytes(at: offset, count: count) }

    package func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        source.read(at: offset, into: buffer)
    }
}
