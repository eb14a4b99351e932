#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// `/proc/PID/stat` and `/proc/PID/io` of one process, kept open between samples and re-read
/// with pread: the block I/O fallback samples every process of every container each second,
/// and opening and closing both files (path lookup, a procfs inode) was most of its cost.
///
/// A descriptor of a `/proc/PID` file stays bound to the process it was opened for: once that
/// process has exited a read fails (ESRCH), even when its PID is reused, so a kept pair never
/// reads another process. Closed when released.
final class ProcessIOFiles {
    let pid: Int32
    private let statPath: String
    private let ioPath: String
    private let stat: Int32
    private let io: Int32

    /// Opens both files of `pid` under `procfs`.
    init(procfs: Procfs, pid: Int32) throws(HostReadError) {
        self.pid = pid
        statPath = procfs.path(TaskID(pid: pid), "stat")
        ioPath = procfs.path(TaskID(pid: pid), "io")
        stat = try KernelFileReader.openForReading(statPath)
        do {
            io = try KernelFileReader.openForReading(ioPath)
        } catch {
            close(stat)
            throw error
        }
    }

    deinit {
        close(stat)
        close(io)
    }

    /// The process the descriptors are bound to, from the first read's stat.
    private var identity: ProcessIdentity?

    /// Both files as they are now: who the process is (fixed for the descriptors' life, so
    /// stat is parsed whole only once), its parent now (it changes when the parent exits), its
    /// threads, and its I/O counters.
    func read(reader: KernelFileReader) throws(HostReadError) -> ProcessIOReading {
        let known = identity
        let (identity, fields) = try reader.withContents(
            ofOpenDescriptor: stat, path: statPath, completeBelow: KernelFileReader.generatedInOnePiece
        ) {
            bytes throws(HostReadError) in
            if let known, let fields = Self.parentAndThreads(bytes) { return (known, fields) }
            let stat = try ProcessStat.parse(bytes, path: statPath)
            return (stat.identity, (stat.parentPID, UInt64(max(0, stat.threadCount))))
        }
        self.identity = identity
        let io = try readIO(reader: reader)
        return ProcessIOReading(identity: identity, parentPID: fields.parent, threads: fields.threads, io: io)
    }

    /// The io file alone, for a process whose parent is known not to have changed.
    func readIO(reader: KernelFileReader) throws(HostReadError) -> ProcessIOCounters {
        try reader.withContents(
            ofOpenDescriptor: io, path: ioPath, completeBelow: KernelFileReader.generatedInOnePiece
        ) { bytes throws(HostReadError) in
            try ProcessIOCounters.parse(bytes, path: ioPath)
        }
    }

    /// Fields 4 (ppid) and 20 (num_threads) of a stat file (`pid (comm) state ppid ...`); the
    /// comm may hold spaces and parentheses, so the fields start after the last `)`.
    static func parentAndThreads(_ bytes: UnsafeRawBufferPointer) -> (parent: Int32, threads: UInt64)? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        var scanner = ByteScanner(bytes)
        scanner.seek(to: close + 1)
        guard scanner.readFieldRange() != nil, let parent = scanner.readInt64() else { return nil }
        // Fields 5 to 19, then num_threads.
        for _ in 5...19 { guard scanner.readInt64() != nil else { return nil } }
        guard let threads = scanner.readUInt64() else { return nil }
        return (Int32(truncatingIfNeeded: parent), threads)
    }
}

/// One process's stat and io as `ProcessIOSampler` uses them.
struct ProcessIOReading {
    var identity: ProcessIdentity
    var parentPID: Int32
    var threads: UInt64
    var io: ProcessIOCounters
}
