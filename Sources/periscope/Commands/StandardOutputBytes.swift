import LinuxHost
#if canImport(Glibc)
import Glibc
#endif

/// Writes raw bytes to standard output with `write(2)`, retrying short writes and EINTR:
/// folded stacks and SVG are bytes (symbols need not be UTF-8), and `print` would copy them
/// into a String first.
func writeStandardOutput(_ bytes: [UInt8]) throws {
    do {
        try SystemCall.writeAll(STDOUT_FILENO, bytes)
    } catch {
        throw UserFacingError("standard output: \(error)")
    }
}

/// Writes an output file (-o, --svg, --save-window) as `>` would: see `OutputFile`.
func writeOutputFile(_ bytes: [UInt8], to path: String) throws {
    do {
        try OutputFile.write(bytes, to: path)
    } catch {
        throw UserFacingError("\(error)")
    }
}
