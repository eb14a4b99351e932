#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// Turns a sample's call chain into frame names, root first.
///
/// Kernel addresses resolve through kallsyms (annotated `_[k]`, as `stackcollapse-perf.pl
/// --kernel` does, so flame graphs colour them); user addresses through the process's
/// `/proc/PID/maps` and the ELF symbols of the mapped file, read inside the process's own
/// mount namespace so binaries that exist only in a container resolve. Symbol tables are
/// cached per (device, inode), shared by every process and container mapping the same file.
/// Frames that cannot be named keep their place as `[dso+0xoffset]` or `[unknown]`.
public final class Symbolizer {
    private let kernel: KernelSymbols
    private let procRoot: String
    private var tablesByFile: [ELFFileSource.FileIdentity: ELFSymbolTable?] = [:]
    private var tablesByProcessPath: [ProcessPath: ELFSymbolTable?] = [:]
    private var processes: [Int32: ProcessEntry] = [:]

    private struct ProcessPath: Hashable {
        var pid: Int32
        var path: String
    }

    private struct ProcessEntry {
        var mappings: ProcessMappings
        var readAtNanoseconds: UInt64
        var command: String
    }

    /// `PERF_CONTEXT_KERNEL`, `PERF_CONTEXT_USER`: call chain entries at or above
    /// `contextMarkerFloor` mark where kernel and user frames begin.
    static let contextKernel = UInt64(bitPattern: -128)
    static let contextUser = UInt64(bitPattern: -512)
    static let contextMarkerFloor: UInt64 = 0xFFFF_FFFF_FFFF_F000
    /// Canonical x86-64 and arm64 kernel addresses have the top bit set.
    static let kernelAddressFloor: UInt64 = 0x8000_0000_0000_0000
    /// How often a process's maps may be re-read when an address is in none of its mappings.
    static let mapsRefreshNanoseconds: UInt64 = 1_000_000_000

    /// Unique files whose symbols were loaded, and those that were unreadable or not ELF.
    public private(set) var loadedFileCount = 0
    public private(set) var rejectedFileCount = 0

    public init(kernel: KernelSymbols, procRoot: String = "/proc") {
        self.kernel = kernel
        self.procRoot = procRoot
    }

    /// The process name shown as the first frame below the container (`comm`), `swapper` for PID 0.
    public func command(of pid: Int32) -> String {
        if pid == 0 { return "swapper" }
        return entry(pid, now: monotonicNanoseconds())?.command ?? "[pid \(pid)]"
    }

    /// The frames of `sample`, root first.
    public func frames(of sample: PerfSample) -> [String] {
        let now = monotonicNanoseconds()
        var frames: [String] = []
        let chain = sample.callchain.isEmpty ? [sample.instructionPointer] : sample.callchain
        frames.reserveCapacity(chain.count)
        var inKernel = sample.instructionPointer >= Self.kernelAddressFloor
        var isLeafOfContext = true
        for address in chain {
            if address >= Self.contextMarkerFloor {
                if address == Self.contextKernel { inKernel = true } else if address == Self.contextUser { inKernel = false }
                isLeafOfContext = true
                continue
            }
            // A return address points after the call; look up the call itself.
            let lookup = isLeafOfContext ? address : address &- 1
            isLeafOfContext = false
            if inKernel || address >= Self.kernelAddressFloor {
                frames.append((kernel.name(containing: lookup) ?? "[kernel]") + "_[k]")
            } else {
                frames.append(userFrame(pid: sample.pid, address: address, lookup: lookup, now: now))
            }
        }
        frames.reverse()
        return frames
    }

    /// Drops what is cached for a process that has exited.
    public func forget(pid: Int32) {
        processes[pid] = nil
        tablesByProcessPath = tablesByProcessPath.filter { $0.key.pid != pid }
    }

    private func userFrame(pid: Int32, address: UInt64, lookup: UInt64, now: UInt64) -> String {
        guard pid > 0, var process = entry(pid, now: now) else { return "[unknown]" }
        var found = process.mappings.mapping(containing: address)
        if found == nil, now &- process.readAtNanoseconds >= Self.mapsRefreshNanoseconds, let mappings = readMappings(pid) {
            process.mappings = mappings
            process.readAtNanoseconds = now
            processes[pid] = process
            found = mappings.mapping(containing: address)
        }
        guard let mapping = found else { return "[unknown]" }
        if mapping.path.isEmpty { return "[unknown]" }
        if mapping.path.hasPrefix("[") { return mapping.path }
        let fileOffset = lookup &- mapping.start &+ mapping.fileOffset
        if let table = symbolTable(pid: pid, path: mapping.path),
           let virtualAddress = table.virtualAddress(forFileOffset: fileOffset),
           let symbol = table.symbol(containing: virtualAddress) {
            return symbol.name
        }
        let name = mapping.path.split(separator: "/").last.map(String.init) ?? mapping.path
        return "[\(name)+0x\(String(address &- mapping.start &+ mapping.fileOffset, radix: 16))]"
    }

    private func symbolTable(pid: Int32, path: String) -> ELFSymbolTable? {
        let key = ProcessPath(pid: pid, path: path)
        if let cached = tablesByProcessPath[key] { return cached }
        // A mapped file that was deleted or replaced shows " (deleted)"; the name may still
        // open (a new file of that name), which the (device, inode) cache keeps apart.
        let openPath = path.hasSuffix(" (deleted)") ? String(path.dropLast(" (deleted)".count)) : path
        let table: ELFSymbolTable?? = ELFFileSource.withFile(pid: pid, path: openPath, procRoot: procRoot) { identity, source in
            if let cached = tablesByFile[identity] { return cached }
            let parsed = try? ELFSymbolTable(source: source)
            if parsed == nil { rejectedFileCount += 1 } else { loadedFileCount += 1 }
            tablesByFile[identity] = parsed
            return parsed
        }
        let result = table ?? nil
        if table == nil { rejectedFileCount += 1 }
        tablesByProcessPath[key] = result
        return result
    }

    private func entry(_ pid: Int32, now: UInt64) -> ProcessEntry? {
        if let cached = processes[pid] { return cached }
        guard let mappings = readMappings(pid) else { return nil }
        let reader = KernelFileReader(initialCapacity: 64, maximumFileBytes: 4096)
        let command = (try? reader.string(of: "\(procRoot)/\(pid)/comm"))?.trimmingCharacters(in: .newlines) ?? "[pid \(pid)]"
        let created = ProcessEntry(mappings: mappings, readAtNanoseconds: now, command: command.isEmpty ? "[pid \(pid)]" : command)
        processes[pid] = created
        return created
    }

    private func readMappings(_ pid: Int32) -> ProcessMappings? {
        guard let text = try? KernelFileReader(maximumFileBytes: 64 << 20).string(of: "\(procRoot)/\(pid)/maps") else { return nil }
        return ProcessMappings(parsing: text)
    }
}

/// CLOCK_MONOTONIC in nanoseconds, the clock perf samples carry.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
