#if canImport(Glibc)
import Glibc
#endif

/// The one place where Periscope's Swift code makes plain system calls on descriptors.
///
/// A signal handler (our own SIGINT and SIGWINCH handlers included) makes a blocking call
/// fail with EINTR; every wrapper here repeats the call instead, so callers never write that
/// loop (swift-system's `valueOrErrno(retryOnInterrupt:)`, swift-nio's `Posix.syscall`).
/// Failures throw the call's `Errno`; callers map it to their own error with the path.
/// `read`/`write` may move fewer bytes than asked; `readFully`/`writeAll` loop until done.
package enum SystemCall {
    /// Repeats `call` while it returns -1 with errno EINTR, and returns its last result
    /// (-1 with errno set on failure). For calls this type does not wrap (splice, send, recv).
    @inline(__always)
    package static func retryingInterrupts<Value: BinaryInteger>(_ call: () -> Value) -> Value {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    /// Like `retryingInterrupts`, throwing errno instead of returning -1.
    @inline(__always)
    package static func valueOrErrno<Value: BinaryInteger>(_ call: () -> Value) throws(Errno) -> Value {
        let result = retryingInterrupts(call)
        guard result >= 0 else { throw Errno.current }
        return result
    }

    /// open(2) with O_CLOEXEC added.
    package static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(Errno) -> Int32 {
        let fd = path.withCString { cPath in retryingInterrupts { Glibc.open(cPath, flags | O_CLOEXEC, mode) } }
        guard fd >= 0 else { throw Errno.current }
        return fd
    }

    /// close(2). Linux releases the descriptor even when close fails with EINTR, so it is
    /// never retried (that could close a descriptor another thread just opened) and EINTR
    /// counts as success; any other failure (EIO on NFS: data not written) is thrown.
    package static func close(_ fd: Int32) throws(Errno) {
        if Glibc.close(fd) != 0 && errno != EINTR { throw Errno.current }
    }

    /// One read(2) into `buffer`: the bytes read, 0 at end of file.
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try valueOrErrno { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// One pread(2) into `buffer` at `offset`: the bytes read, 0 at end of file.
    package static func pread(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int
    ) throws(Errno) -> Int {
        try valueOrErrno { Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// One write(2) of `bytes`: the bytes written.
    package static func write(_ fd: Int32, from bytes: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try valueOrErrno { Glibc.write(fd, bytes.baseAddress, bytes.count) }
    }

    /// Reads until `buffer` is full or the file ends (kernel files, pipes and sockets return
    /// short reads); with `offset`, by pread(2) from there, leaving the file offset alone.
    /// Returns the bytes read.
    package static func readFully(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int? = nil
    ) throws(Errno) -> Int {
        var filled = 0
        while filled < buffer.count {
            let room = UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])
            let got = if let offset { try pread(fd, into: room, at: offset + filled) } else { try read(fd, into: room) }
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    /// Writes all of `bytes`, repeating short writes.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let written = try write(fd, from: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            // write(2) returns 0 only for a zero-byte request; guard against a spin anyway.
            guard written > 0 else { throw Errno(rawValue: EIO) }
            offset += written
        }
    }

    /// One write(2) of `bytes` (a tracefs control file takes each write as one command).
    package static func write(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(Errno) in try write(fd, from: raw) } }.get()
    }

    /// Writes all of `bytes`, repeating short writes.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) {
        try bytes.withUnsafeBytes { raw in Result { () throws(Errno) in try writeAll(fd, raw) } }.get()
    }

    /// Reads until `bytes` is full or the file ends; returns the bytes read.
    package static func readFully(_ fd: Int32, into bytes: inout [UInt8]) throws(Errno) -> Int {
        try bytes.withUnsafeMutableBytes { raw in Result { () throws(Errno) in try readFully(fd, into: raw) } }.get()
    }

    /// Sleeps for `nanoseconds`, resuming with the time left when a signal interrupts.
    package static func sleep(nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
