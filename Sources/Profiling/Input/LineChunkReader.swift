#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// Reads a file or standard input in large chunks and hands out whole lines as byte ranges.
///
/// A 200 MB `perf script` capture is read with a few hundred `read(2)` calls into one reused
/// buffer; a line that straddles two chunks is moved to the front before the next read, so no
/// line is ever copied into its own allocation.
package struct LineChunkReader {
    /// The bytes read per `read(2)` call.
    package let chunkBytes: Int

    package init(chunkBytes: Int = 1 << 20) {
        self.chunkBytes = max(chunkBytes, 16)
    }

    /// Calls `body` with each line of `path` (`-` for standard input), without its `\n`.
    /// A last line with no `\n` is still a line, as Perl's `<>` reads it.
    package func forEachLine(
        path: String, _ body: (UnsafeRawBufferPointer) -> Void
    ) throws(ProfilingInputError) {
        let descriptor: Int32
        if path == "-" {
            descriptor = STDIN_FILENO
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 { throw ProfilingInputError(path: path, errno: errno) }
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        try forEachLine(descriptor: descriptor, path: path, body)
    }

    /// Calls `body` with each line read from an open descriptor, which stays open.
    package func forEachLine(
        descriptor: Int32, path: String, _ body: (UnsafeRawBufferPointer) -> Void
    ) throws(ProfilingInputError) {
        var capacity = chunkBytes * 2
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        while true {
            if capacity - filled < chunkBytes {
                // A single line longer than the buffer: grow instead of splitting it.
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                grown.copyMemory(from: buffer, byteCount: filled)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
            }
            let count: Int
            do {
                count = try SystemCall.read(
                    descriptor, into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled))
            } catch {
                throw ProfilingInputError(path: path, errno: error.rawValue)
            }
            if count == 0 {
                if filled > 0 { body(UnsafeRawBufferPointer(start: buffer, count: filled)) }
                return
            }
            filled += count
            let consumed = Self.forEachCompleteLine(UnsafeRawBufferPointer(start: buffer, count: filled), body)
            if consumed > 0 {
                memmove(buffer, buffer + consumed, filled - consumed)
                filled -= consumed
            }
        }
    }

    /// Calls `body` with every `\n`-terminated line of `bytes` and returns the bytes consumed.
    @discardableResult
    package static func forEachCompleteLine(
        _ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void
    ) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var start = 0
        while start < bytes.count {
            guard let newline = memchr(base + start, 0x0A, bytes.count - start) else { break }
            let end = base.distance(to: UnsafeRawPointer(newline))
            body(UnsafeRawBufferPointer(start: base + start, count: end - start))
            start = end + 1
        }
        return start
    }

    /// Calls `body` with every line of an in-memory text, including a last unterminated one.
    package static func forEachLine(in bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        let consumed = forEachCompleteLine(bytes, body)
        if consumed < bytes.count, let base = bytes.baseAddress {
            body(UnsafeRawBufferPointer(start: base + consumed, count: bytes.count - consumed))
        }
    }
}
