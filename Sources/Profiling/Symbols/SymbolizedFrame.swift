import LinuxHost

/// One frame of a symbolized stack: its name and, where known, the address and mapping it
/// was found at (what pprof's Location and Mapping carry, so a consumer can re-symbolize).
package struct SymbolizedFrame: Sendable, Hashable {
    /// The name folded stacks show (`main`, `do_syscall_64_[k]`, `[libc.so.6+0x1234]`).
    package var name: String
    /// The address looked up: the sampled instruction for the leaf of each context, the
    /// return address minus one (inside the call instruction) above it; 0 when unknown.
    package var address: UInt64
    /// The file mapped at the address, or the kernel; nil for anonymous memory and garbage.
    package var mapping: FrameMapping?

    package init(name: String, address: UInt64 = 0, mapping: FrameMapping? = nil) {
        self.name = name
        self.address = address
        self.mapping = mapping
    }
}

/// A mapped file (one `/proc/PID/maps` line with `x`), or the kernel's text.
package struct FrameMapping: Sendable, Hashable {
    /// First address of the mapping.
    package var start: UInt64
    /// First address past it.
    package var limit: UInt64
    /// The file offset mapped at `start`.
    package var fileOffset: UInt64
    /// The path inside the process's mount namespace, `[vdso]`, or `[kernel.kallsyms]`.
    package var file: String
    /// The GNU build-id in lower-case hex, when the file has one.
    package var buildID: String?

    package init(start: UInt64, limit: UInt64, fileOffset: UInt64, file: String, buildID: String? = nil) {
        self.start = start
        self.limit = limit
        self.fileOffset = fileOffset
        self.file = file
        self.buildID = buildID
    }

    /// The name perf gives the kernel's text.
    package static let kernelFile = "[kernel.kallsyms]"

    /// The kernel's text (the upper half of the address space), with the running kernel's
    /// build-id from `/sys/kernel/notes` when readable.
    package static func kernel(notesPath: String = "/sys/kernel/notes") -> FrameMapping {
        let notes = try? KernelFileReader().withContents(of: notesPath) { Array($0) }
        return FrameMapping(
            start: Symbolizer.kernelAddressFloor, limit: UInt64.max, fileOffset: 0, file: kernelFile,
            buildID: notes.flatMap(gnuBuildID(inNotes:)))
    }

    /// The `NT_GNU_BUILD_ID` descriptor of an ELF note section (`namesz, descsz, type, name,
    /// desc`, each padded to 4 bytes), as lower-case hex.
    static func gnuBuildID(inNotes bytes: [UInt8]) -> String? {
        func word(_ offset: Int) -> Int? {
            guard offset + 4 <= bytes.count else { return nil }
            return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(
                bytes[offset + 3]) << 24
        }
        func padded(_ size: Int) -> Int { (size + 3) & ~3 }
        var offset = 0
        while let nameSize = word(offset), let descriptorSize = word(offset + 4), let type = word(offset + 8) {
            let nameStart = offset + 12, descriptorStart = nameStart + padded(nameSize)
            let end = descriptorStart + padded(descriptorSize)
            guard nameSize >= 0, descriptorSize >= 0, end <= bytes.count else { return nil }
            if type == 3, nameSize == 4, Array(bytes[nameStart..<nameStart + 4]) == Array("GNU\0".utf8),
                descriptorSize > 0
            {
                return bytes[descriptorStart..<descriptorStart + descriptorSize].map {
                    ($0 < 16 ? "0" : "") + String($0, radix: 16)
                }.joined()
            }
            offset = end
        }
        return nil
    }
}
