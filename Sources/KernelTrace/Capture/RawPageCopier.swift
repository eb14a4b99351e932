#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport
import LinuxHost
import Synchronization

/// Moves one CPU's ring-buffer pages from `per_cpu/cpuN/trace_pipe_raw` to a file without
/// decoding them. Full pages go through `splice` (the kernel hands the page to a pipe and
/// on to the file: no copy through user space); the partly filled page at the end, which
/// splice will not give, is read with `read` by `drainRemaining`.
public final class RawPageCopier {
    public let cpu: Int
    public let pageSize: Int
    /// The CPU's trace_pipe_raw, for poll(2): readable once the buffer is `buffer_percent` full.
    let traceFD: Int32
    private let outputFD: Int32
    private var closed = false
    private var pipeFDs: (read: Int32, write: Int32) = (-1, -1)
    private var pipeCapacity = 0
    private var spliceWorks = true
    private var buffer: UnsafeMutableRawBufferPointer
    /// Bytes moved to the file so far; read by the metadata writer while the draining thread moves pages.
    public var bytesWritten: UInt64 { written.load(ordering: .relaxed) }
    private let written = Atomic<UInt64>(0)

    /// Opens the CPU's raw pipe (non-blocking) and creates `outputPath`.
    public init(instance: Tracefs, cpu: Int, pageSize: Int, outputPath: String) throws(TracefsError) {
        self.cpu = cpu
        self.pageSize = pageSize
        let tracePath = instance.path("per_cpu/cpu\(cpu)/trace_pipe_raw")
        traceFD = open(tracePath, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard traceFD >= 0 else { throw TracefsError(path: tracePath, operation: "open", errno: errno) }
        outputFD = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard outputFD >= 0 else {
            let code = errno
            Glibc.close(traceFD)
            throw TracefsError(path: outputPath, operation: "create", errno: code)
        }
        buffer = .allocate(byteCount: pageSize * 16, alignment: 4096)
        var fds: [Int32] = [-1, -1]
        // A bigger pipe moves more pages per splice pair; 1 MiB is the unprivileged limit.
        let capacity = periscope_pipe_with_capacity(&fds, 1 << 20)
        if capacity > 0 {
            pipeFDs = (fds[0], fds[1])
            pipeCapacity = max(pageSize, Int(capacity) / pageSize * pageSize)
        } else {
            spliceWorks = false
        }
    }

    deinit { close() }

    /// Closes every descriptor (the instance cannot be removed while they are open).
    public func close() {
        guard !closed else { return }
        closed = true
        for fd in [traceFD, outputFD, pipeFDs.read, pipeFDs.write] where fd >= 0 { Glibc.close(fd) }
        buffer.deallocate()
    }

    /// Moves every full page available now. Returns the bytes moved.
    @discardableResult
    public func drainFullPages() throws(TracefsError) -> Int {
        guard spliceWorks else { return try readPages() }
        var moved = 0
        while true {
            let count = SystemCall.retryingInterrupts { periscope_splice(traceFD, pipeFDs.write, pipeCapacity, 1) }
            if count < 0 {
                if errno == EAGAIN { return moved }
                if errno == EINVAL || errno == ENOSYS {
                    spliceWorks = false
                    return moved + (try readPages())
                }
                throw TracefsError(path: "per_cpu/cpu\(cpu)/trace_pipe_raw", operation: "splice from", errno: errno)
            }
            if count == 0 { return moved }
            try flushPipe(count)
            moved += count
        }
    }

    /// After tracing stopped: full pages by splice, then the partial pages by read.
    public func drainRemaining() throws(TracefsError) {
        try drainFullPages()
        _ = try readPages()
    }

    /// Reads pages with read(2): each read returns one page (a partial one zero-padded).
    private func readPages() throws(TracefsError) -> Int {
        var moved = 0
        while true {
            let count: Int
            do {
                count = try SystemCall.read(traceFD, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<pageSize]))
            } catch {
                if error.isWouldBlock { return moved }
                throw TracefsError(path: "per_cpu/cpu\(cpu)/trace_pipe_raw", operation: "read", errno: error.rawValue)
            }
            if count == 0 { return moved }
            try writeAll(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
            moved += count
        }
    }

    private func flushPipe(_ count: Int) throws(TracefsError) {
        var remaining = count
        while remaining > 0 {
            let moved = SystemCall.retryingInterrupts { periscope_splice(pipeFDs.read, outputFD, remaining, 0) }
            if moved < 0 { throw TracefsError(path: "cpu\(cpu).raw", operation: "splice to", errno: errno) }
            remaining -= moved
            written.add(UInt64(moved), ordering: .relaxed)
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(TracefsError) {
        do {
            try SystemCall.writeAll(outputFD, bytes)
        } catch {
            throw TracefsError(path: "cpu\(cpu).raw", operation: "write", errno: error.rawValue)
        }
        written.add(UInt64(bytes.count), ordering: .relaxed)
    }
}
