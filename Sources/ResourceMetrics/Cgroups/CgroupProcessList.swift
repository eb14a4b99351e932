#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// A cgroup2 directory's `cgroup.procs`, kept open and re-read with pread: the block I/O
/// fallback lists each container's processes every sample. cgroup2 walks the cgroup's tasks
/// anew at every read from offset 0; a v1 `cgroup.procs` must not be kept (v1 serves an open
/// descriptor the list it built for it until a second after its last read). A read fails once
/// the cgroup is removed (ENODEV), even when one of the same path is created again. Closed
/// when released.
final class CgroupProcessList {
    let directory: String
    private let path: String
    private let descriptor: Int32

    /// Opens `directory`'s `cgroup.procs`; `directory` must be in a cgroup2 hierarchy.
    init(unifiedDirectory directory: String) throws(HostReadError) {
        self.directory = directory
        path = directory + "/cgroup.procs"
        descriptor = try KernelFileReader.openForReading(path)
    }

    deinit { close(descriptor) }

    /// A read of fewer bytes than this listed every process: the kernel stops a read of a
    /// list short of its end only when the next line (at most 8 bytes, "4194304\n") does not
    /// fit its page-sized buffer. An idle container's list is one read, not two.
    static let surelyWholeBytes = 2048

    /// The PIDs listed now (processes, not threads).
    func read(reader: KernelFileReader) throws(HostReadError) -> [Int32] {
        try reader.withContents(ofOpenDescriptor: descriptor, path: path, completeBelow: Self.surelyWholeBytes) {
            bytes in
            var pids: [Int32] = []
            var scanner = ByteScanner(bytes)
            while let pid = scanner.readUInt64() {
                pids.append(Int32(truncatingIfNeeded: pid))
                scanner.skipLine()
            }
            return pids
        }
    }
}
