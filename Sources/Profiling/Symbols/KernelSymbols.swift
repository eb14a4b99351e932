#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// Kernel text symbols from `/proc/kallsyms`, sorted for binary search.
///
/// kallsyms gives start addresses only: a symbol is taken to run until the next one starts.
/// Without root (kptr_restrict) every address reads as zero; the table is then empty and
/// kernel frames print as `[kernel]`.
package struct KernelSymbols: Sendable {
    /// Start addresses, ascending.
    package let addresses: [UInt64]
    /// Where the name of `addresses[i]` lies in `nameBytes`: names become Strings only when
    /// a sample lands in them (kallsyms has ~200,000 text symbols).
    private let nameRanges: [Range<Int32>]
    private let nameBytes: [UInt8]

    /// The name of the symbol starting at `addresses[i]` (all of them: for tests).
    package var names: [String] { nameRanges.indices.map(name(at:)) }

    private func name(at index: Int) -> String {
        String(
            decoding: nameBytes[Int(nameRanges[index].lowerBound)..<Int(nameRanges[index].upperBound)], as: UTF8.self)
    }

    /// Parses kallsyms text: `ffffffff81000000 T _stext` lines, optionally followed by a tab
    /// and `[module]`. Only text symbols (t, T, w, W) with a non-zero address are kept;
    /// malformed lines are skipped.
    ///
    /// One pass over the bytes: lines found with `memchr`, names copied through a pointer into
    /// one buffer, and no sort when the lines come in address order (the kernel's own symbols
    /// do; modules and BPF programs may not).
    package init(parsing bytes: UnsafeRawBufferPointer) {
        var addresses: [UInt64] = []
        var nameRanges: [Range<Int32>] = []
        var isAscending = true
        // The names are pieces of the text, so they fit in its size.
        let kept = [UInt8](unsafeUninitializedCapacity: bytes.count) { names, written in
            written = 0
            guard let text = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            var lineStart = 0
            while lineStart < bytes.count {
                let lineEnd =
                    memchr(text + lineStart, 0x0A, bytes.count - lineStart).map {
                        UnsafeRawPointer($0) - UnsafeRawPointer(text)
                    } ?? bytes.count
                if let (address, name) = Self.parseLine(
                    UnsafeBufferPointer(start: text + lineStart, count: lineEnd - lineStart)),
                    written < Int(Int32.max) - 4096
                {
                    let start = written
                    (names.baseAddress! + written).initialize(
                        from: text + lineStart + name.lowerBound, count: name.count)
                    written += name.count
                    if let last = addresses.last, address < last { isAscending = false }
                    addresses.append(address)
                    nameRanges.append(Int32(start)..<Int32(written))
                }
                lineStart = lineEnd + 1
            }
        }
        if !isAscending {
            var entries = zip(addresses, nameRanges).map { (address: $0, name: $1) }
            entries.sort { $0.address < $1.address }
            addresses = entries.map(\.address)
            nameRanges = entries.map(\.name)
        }
        self.addresses = addresses
        self.nameRanges = nameRanges
        nameBytes = kept
    }

    /// Reads the live `/proc/kallsyms` (it may exceed the usual 16 MiB file bound). It is ~5 MB
    /// here: a buffer that starts at 8 MiB is filled once, where one of 1 MiB was copied into
    /// three larger ones on the way.
    package static func load(path: String = "/proc/kallsyms") throws(HostReadError) -> KernelSymbols {
        try KernelFileReader(initialCapacity: 8 << 20, maximumFileBytes: 256 << 20).withContents(of: path) {
            KernelSymbols(parsing: $0)
        }
    }

    /// The address and the name's byte range within the line.
    private static func parseLine(_ line: UnsafeBufferPointer<UInt8>) -> (UInt64, Range<Int>)? {
        var index = 0
        var address: UInt64 = 0
        while index < line.count, line[index] != 0x20 {
            guard let digit = hexDigitValue(line[index]) else { return nil }
            guard index < 16 else { return nil }
            address = address << 4 | UInt64(digit)
            index += 1
        }
        guard index > 0, address != 0, index + 3 < line.count, line[index + 2] == 0x20 else { return nil }
        switch line[index + 1] {
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "w"), UInt8(ascii: "W"): break
        default: return nil
        }
        let nameStart = index + 3
        var nameEnd = nameStart
        while nameEnd < line.count, line[nameEnd] != 0x09, line[nameEnd] != 0x20 { nameEnd += 1 }
        guard nameEnd > nameStart else { return nil }
        return (address, nameStart..<nameEnd)
    }

    /// Whether the table has any symbol (false without the privilege to see addresses).
    package var isEmpty: Bool { addresses.isEmpty }

    /// The symbol whose range contains `address`: the last one starting at or before it.
    package func name(containing address: UInt64) -> String? {
        addresses.lastIndex(startingAtOrBelow: address) { $0 }.map(name(at:))
    }
}
