/// Where a sleeping task waits in the kernel: what `ps -o wchan` and `cat /proc/PID/stack`
/// show, the evidence a storage stall leaves on its D-state threads.
extension Procfs {
    /// The kernel function `task` sleeps in (`/proc/PID/task/TID/wchan`); nil when it is
    /// running or the kernel hides it (it prints "0" then).
    public func waitChannel(_ task: TaskID) throws(HostReadError) -> String? {
        try reader.withContents(of: path(task, "wchan")) { bytes in
            var end = bytes.count
            while end > 0, bytes[end - 1] == .newline || bytes[end - 1] == .space { end -= 1 }
            if end == 0 || (end == 1 && bytes[0] == UInt8(ascii: "0")) { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        }
    }

    /// The task's kernel stack, innermost frame first, as function names without their
    /// `+offset/size` (`/proc/PID/task/TID/stack`; needs CAP_SYS_ADMIN). At most `maximumFrames`.
    public func kernelStack(_ task: TaskID, maximumFrames: Int = 16) throws(HostReadError) -> [String] {
        try reader.withContents(of: path(task, "stack")) { bytes in
            KernelStackText.functions(bytes, maximumFrames: maximumFrames)
        }
    }
}

/// Parses `/proc/PID/stack` lines: `[<0>] io_schedule+0x12/0x40`.
public enum KernelStackText {
    /// The function names, innermost first.
    public static func functions(_ bytes: UnsafeRawBufferPointer, maximumFrames: Int) -> [String] {
        var frames: [String] = []
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd, frames.count < maximumFrames {
            let line = scanner.readLineRange()
            var start = line.lowerBound
            if let close = UnsafeRawBufferPointer(rebasing: bytes[line]).firstIndex(of: UInt8(ascii: "]")) {
                start = line.lowerBound + close + 1
            }
            while start < line.upperBound, bytes[start] == .space { start += 1 }
            var end = start
            while end < line.upperBound, bytes[end] != UInt8(ascii: "+"), bytes[end] != .space { end += 1 }
            if end > start { frames.append(scanner.string(start..<end)) }
        }
        return frames
    }
}

extension Procfs {
    /// The state letter of a task from its `stat`, without parsing the other fields: what a
    /// sweep for D-state threads needs for every thread of the host, many times a second.
    /// Nil when the file is malformed.
    public func stateByte(_ task: TaskID) throws(HostReadError) -> UInt8? {
        try reader.withContents(of: path(task, "stat")) { bytes in
            // The comm may contain ") ": the state follows the *last* ')'.
            guard let close = bytes.lastIndex(of: UInt8(ascii: ")")), close + 2 < bytes.count else { return nil }
            return bytes[close + 2]
        }
    }
}
