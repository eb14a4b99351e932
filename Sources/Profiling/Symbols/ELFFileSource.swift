#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport
import LinuxHost

/// An ELF file read with `pread` from a descriptor an `ELFOpenFile` owns (alive for the body
/// of `ELFFileSource.withFile`, or as long as a table keeps the file); every read is bounded
/// by the size `fstat` gave.
package struct ELFFileSource: ELFByteSource, Sendable {
    let fileDescriptor: Int32
    package let byteCount: UInt64
    /// The largest single read allowed, whatever the file claims.
    static let maximumReadBytes = 256 << 20

    package func bytes(at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, count <= Self.maximumReadBytes, offset <= byteCount, UInt64(count) <= byteCount - offset
        else { return nil }
        var complete = false
        // Uninitialized: zero-filling a large string table first cost as much as reading it.
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { storage, initialized in
            let done =
                (try? SystemCall.readFully(
                    fileDescriptor,
                    into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(storage)[..<count]),
                    at: Int(offset))) ?? 0
            complete = done == count
            // Bytes never read are zeroed rather than left undefined; the result is dropped anyway.
            if !complete { (storage.baseAddress! + done).initialize(repeating: 0, count: count - done) }
            initialized = count
        }
        return complete ? buffer : nil
    }

    package func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard offset <= byteCount, UInt64(buffer.count) <= byteCount - offset else { return false }
        let done = (try? SystemCall.readFully(fileDescriptor, into: buffer, at: Int(offset))) ?? 0
        return done == buffer.count
    }

    /// The identity of an opened file, for caching symbol tables across processes and containers.
    package struct FileIdentity: Hashable, Sendable {
        package var device: UInt64
        package var inode: UInt64
    }

    /// Opens `path` inside the filesystem root of process `pid` (its mount namespace, through
    /// /proc/PID/root, without following links out of it), refuses anything that is not a
    /// regular file, and calls `body` with the file's identity and a source over it.
    package static func withFile<Result>(
        pid: Int32, path: String, procRoot: String = "/proc",
        _ body: (FileIdentity, ELFFileSource) -> Result
    ) -> Result? {
        guard let root = FilesystemRoot(path: "\(procRoot)/\(pid)/root") else { return nil }
        return withFile(in: root, path: path, body)
    }

    /// Opens `path` resolved inside `root` (openat2 RESOLVE_IN_ROOT: absolute links and `..`
    /// stay inside), non-blocking so a FIFO cannot stall the profiler, regular files only.
    package static func withFile<Result>(
        in root: FilesystemRoot, path: String,
        _ body: (FileIdentity, ELFFileSource) -> Result
    ) -> Result? {
        guard let file = ELFOpenFile(in: root, path: path) else { return nil }
        return withExtendedLifetime(file) { body(file.identity, file.source) }
    }
}

/// An open directory that paths are resolved inside: a process's `/proc/PID/root` (its mount
/// namespace's root) or the host's `/`. Closes on deinit.
package final class FilesystemRoot {
    package let descriptor: Int32

    package init?(path: String) {
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

    /// A whole regular file of at most `maximumBytes`, or nil (missing, not regular, larger).
    package func contents(of path: String, maximumBytes: Int) -> [UInt8]? {
        ELFFileSource.withFile(in: self, path: path) { _, source -> [UInt8]? in
            guard source.byteCount <= UInt64(maximumBytes) else { return nil }
            return source.bytes(at: 0, count: Int(source.byteCount))
        } ?? nil
    }

    /// The size and modification time of a regular file, to notice that it changed.
    package func version(of path: String) -> FileVersion? {
        let descriptor = periscope_open_in_root(self.descriptor, path)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileVersion(
            size: UInt64(status.st_size), modifiedSeconds: Int64(status.st_mtim.tv_sec),
            modifiedNanoseconds: Int64(status.st_mtim.tv_nsec))
    }
}

/// Size and modification time of a file.
package struct FileVersion: Sendable, Equatable {
    package var size: UInt64
    package var modifiedSeconds: Int64
    package var modifiedNanoseconds: Int64
}
