import LinuxHost

/// Kernel text symbols from `/proc/kallsyms`, sorted for binary search.
///
/// kallsyms gives start addresses only: a symbol is taken to run until the next one starts.
/// Without root (kptr_restrict) every address reads as zero; the table is then empty and
/// kernel frames print as `[kernel]`.
public struct KernelSymbols: Sendable {
    /// Start addresses, ascending.
    public let addresses: [UInt64]
    /// The name of the symbol starting at `addresses[i]`.
    public let names: [String]

    /// Parses kallsyms text: `ffffffff81000000 T _stext` lines, optionally followed by a tab
    /// and `[module]`. Only text symbols (t, T, w, W) with a non-zero address are kept;
    /// malformed lines are skipped.
    public init(parsing bytes: UnsafeRawBufferPointer) {
        var entries: [(UInt64, String)] = []
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            if let entry = Self.parseLine(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])) { entries.append(entry) }
            lineStart = lineEnd + 1
        }
        entries.sort { $0.0 < $1.0 }
        addresses = entries.map(\.0)
        names = entries.map(\.1)
    }

    /// Reads the live `/proc/kallsyms` (it may exceed the usual 16 MiB file bound).
    public static func load(path: String = "/proc/kallsyms") throws(HostReadError) -> KernelSymbols {
        try KernelFileReader(initialCapacity: 1 << 20, maximumFileBytes: 256 << 20).withContents(of: path) { KernelSymbols(parsing: $0) }
    }

    private static func parseLine(_ line: UnsafeRawBufferPointer) -> (UInt64, String)? {
        var index = 0
        var address: UInt64 = 0
        while index < line.count, line[index] != 0x20 {
            let byte = line[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            case 0x41...0x46: digit = byte - 0x41 + 10
            default: return nil
            }
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
        return (address, String(decoding: line[nameStart..<nameEnd], as: UTF8.self))
    }

    /// Whether the table has any symbol (false without the privilege to see addresses).
    public var isEmpty: Bool { addresses.isEmpty }

    /// The symbol whose range contains `address`: the last one starting at or before it.
    public func name(containing address: UInt64) -> String? {
        var low = 0, high = addresses.count
        while low < high {
            let middle = (low + high) / 2
            if addresses[middle] <= address { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? names[low - 1] : nil
    }
}
