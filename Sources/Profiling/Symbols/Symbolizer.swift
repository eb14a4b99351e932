import LinuxHost

/// Turns a sample's call chain into frame names, root first.
///
/// Kernel addresses resolve through kallsyms (annotated `_[k]`, as `stackcollapse-perf.pl
/// --kernel` does, so flame graphs colour them); user addresses through the process's
/// `/proc/PID/maps` and the ELF symbols of the mapped file, read inside the process's own
/// mount namespace so binaries that exist only in a container resolve (with separate debug
/// files and MiniDebugInfo, `SymbolFileLoader`). Addresses in anonymous memory resolve through
/// the JIT's perf map, `/tmp/perf-<PID>.map` inside the container, where PID is the process's
/// PID in its own namespace (`NSpid`), annotated `_[j]`. Names are demangled. Frames that
/// cannot be named keep their place as `[file+0xoffset]` or `[unknown]`.
package final class Symbolizer {
    private let kernel: KernelSymbols
    private let procRoot: String
    private let loader: SymbolFileLoader
    private let demangler = Demangler()
    private var tablesByProcessPath: [ProcessPath: ELFSymbolTable?] = [:]
    private var processes: [Int32: ProcessEntry] = [:]
    /// Processes gone before their maps could be read (not retried per sample).
    private var unreadablePIDs: Set<Int32> = []

    private struct ProcessPath: Hashable {
        var pid: Int32
        var path: String
    }

    private final class ProcessEntry {
        var mappings: ProcessMappings
        var readAtNanoseconds: UInt64
        let command: String
        /// The process's `/proc/PID/root`, opened once.
        let root: FilesystemRoot?
        /// The PID the process has in its own PID namespace (the innermost of `NSpid`).
        let namespacePID: Int32
        var perfMap: PerfMap?
        var perfMapVersion: FileVersion?
        var perfMapCheckedAtNanoseconds: UInt64 = 0

        init(
            mappings: ProcessMappings, readAtNanoseconds: UInt64, command: String, root: FilesystemRoot?,
            namespacePID: Int32
        ) {
            self.mappings = mappings
            self.readAtNanoseconds = readAtNanoseconds
            self.command = command
            self.root = root
            self.namespacePID = namespacePID
        }
    }

    /// `PERF_CONTEXT_KERNEL`, `PERF_CONTEXT_USER`: call chain entries at or above
    /// `contextMarkerFloor` mark where kernel and user frames begin.
    static let contextKernel = UInt64(bitPattern: -128)
    static let contextUser = UInt64(bitPattern: -512)
    static let contextMarkerFloor: UInt64 = 0xFFFF_FFFF_FFFF_F000
    /// Canonical x86-64 and arm64 kernel addresses have the top bit set.
    static let kernelAddressFloor: UInt64 = 0x8000_0000_0000_0000
    /// How often a process's maps, or its perf map, may be re-read when an address is not in them.
    static let mapsRefreshNanoseconds: UInt64 = 1_000_000_000

    /// Unique files whose symbols were loaded, and those that were unreadable or not ELF.
    package var loadedFileCount: Int { loader.loadedFileCount }
    package var rejectedFileCount: Int { loader.rejectedFileCount }
    /// Frames named from a JIT's perf map.
    package private(set) var jitFrameCount = 0

    /// The kernel's text as a mapping, read once.
    private lazy var kernelMapping = FrameMapping.kernel()

    package init(kernel: KernelSymbols, procRoot: String = "/proc", loader: SymbolFileLoader = SymbolFileLoader()) {
        self.kernel = kernel
        self.procRoot = procRoot
        self.loader = loader
    }

    /// Captures, once per process, what symbolizing it later needs while it is still alive:
    /// maps, name, namespace PID and its root directory.
    package func prepare(pid: Int32) {
        guard pid > 0, processes[pid] == nil, !unreadablePIDs.contains(pid) else { return }
        if entry(pid, now: monotonicNanoseconds()) == nil { unreadablePIDs.insert(pid) }
    }

    /// The process name shown as the first frame below the container (`comm`), `swapper` for PID 0.
    package func command(of pid: Int32) -> String {
        if pid == 0 { return "swapper" }
        return entry(pid, now: monotonicNanoseconds())?.command ?? "[pid \(pid)]"
    }

    /// The frames of `sample`, root first.
    package func frames(of sample: PerfSample) -> [String] {
        symbolizedFrames(of: sample).map(\.name)
    }

    /// The frames of `sample`, root first, with the address looked up and its mapping.
    package func symbolizedFrames(of sample: PerfSample) -> [SymbolizedFrame] {
        let now = monotonicNanoseconds()
        var frames: [SymbolizedFrame] = []
        let chain = sample.callchain.isEmpty ? [sample.instructionPointer] : sample.callchain
        frames.reserveCapacity(chain.count)
        var inKernel = sample.instructionPointer >= Self.kernelAddressFloor
        var isLeafOfContext = true
        for address in chain {
            if address >= Self.contextMarkerFloor {
                if address == Self.contextKernel {
                    inKernel = true
                } else if address == Self.contextUser {
                    inKernel = false
                }
                isLeafOfContext = true
                continue
            }
            // A return address points after the call; look up the call itself.
            let lookup = isLeafOfContext ? address : address &- 1
            isLeafOfContext = false
            if inKernel {
                frames.append(
                    SymbolizedFrame(
                        name: (kernel.name(containing: lookup) ?? "[kernel]") + "_[k]", address: lookup,
                        mapping: kernelMapping))
            } else if address >= Self.kernelAddressFloor {
                // A kernel-space value in a user stack: the frame-pointer walk read garbage.
                frames.append(SymbolizedFrame(name: "[unknown]", address: lookup))
            } else {
                frames.append(userFrame(pid: sample.pid, address: address, lookup: lookup, now: now))
            }
        }
        frames.reverse()
        return frames
    }

    /// Drops what is cached for a process that has exited.
    package func forget(pid: Int32) {
        processes[pid] = nil
        tablesByProcessPath = tablesByProcessPath.filter { $0.key.pid != pid }
    }

    private func userFrame(pid: Int32, address: UInt64, lookup: UInt64, now: UInt64) -> SymbolizedFrame {
        guard pid > 0, let process = entry(pid, now: now) else {
            return SymbolizedFrame(name: "[unknown]", address: lookup)
        }
        var found = process.mappings.mapping(containing: address)
        if found == nil, now &- process.readAtNanoseconds >= Self.mapsRefreshNanoseconds,
            let mappings = readMappings(pid)
        {
            process.mappings = mappings
            process.readAtNanoseconds = now
            found = mappings.mapping(containing: address)
        }
        guard let mapping = found, !mapping.path.isEmpty, !mapping.path.hasPrefix("[anon") else {
            // Anonymous executable memory (or none known): JIT-compiled code.
            return SymbolizedFrame(name: jitName(process, address: lookup, now: now) ?? "[unknown]", address: lookup)
        }
        var mapped = FrameMapping(
            start: mapping.start, limit: mapping.end, fileOffset: mapping.fileOffset, file: mapping.path)
        if mapping.path.hasPrefix("[") { return SymbolizedFrame(name: mapping.path, address: lookup, mapping: mapped) }
        let fileOffset = lookup &- mapping.start &+ mapping.fileOffset
        let table = symbolTable(process, pid: pid, path: mapping.path)
        mapped.buildID = table?.buildIDHex
        if let table, let virtualAddress = table.virtualAddress(forFileOffset: fileOffset),
            let symbol = table.symbol(containing: virtualAddress)
        {
            return SymbolizedFrame(name: demangler.demangle(symbol.name), address: lookup, mapping: mapped)
        }
        // memfd-backed JIT code shows as a path like /memfd:name (deleted).
        if mapping.path.hasPrefix("/memfd:"), let name = jitName(process, address: lookup, now: now) {
            return SymbolizedFrame(name: name, address: lookup, mapping: mapped)
        }
        let name = mapping.path.split(separator: "/").last.map(String.init) ?? mapping.path
        return SymbolizedFrame(
            name: "[\(name)+0x\(String(address &- mapping.start &+ mapping.fileOffset, radix: 16))]", address: lookup,
            mapping: mapped)
    }

    /// The perf map entry containing `address`, re-reading the map (at most once a second)
    /// when it changed since: a JIT appends as it compiles.
    private func jitName(_ process: ProcessEntry, address: UInt64, now: UInt64) -> String? {
        if let entry = process.perfMap?.entry(containing: address) {
            jitFrameCount += 1
            return demangler.demangle(entry.name) + "_[j]"
        }
        guard
            now &- process.perfMapCheckedAtNanoseconds >= Self.mapsRefreshNanoseconds
                || process.perfMapCheckedAtNanoseconds == 0,
            let root = process.root
        else { return nil }
        process.perfMapCheckedAtNanoseconds = now
        let path = "/tmp/perf-\(process.namespacePID).map"
        guard let version = root.version(of: path), version != process.perfMapVersion,
            let bytes = root.contents(of: path, maximumBytes: PerfMap.maximumFileBytes)
        else { return nil }
        process.perfMapVersion = version
        process.perfMap = PerfMap(parsing: bytes)
        guard let entry = process.perfMap?.entry(containing: address) else { return nil }
        jitFrameCount += 1
        return demangler.demangle(entry.name) + "_[j]"
    }

    private func symbolTable(_ process: ProcessEntry, pid: Int32, path: String) -> ELFSymbolTable? {
        let key = ProcessPath(pid: pid, path: path)
        if let cached = tablesByProcessPath[key] { return cached }
        // A mapped file that was deleted or replaced shows " (deleted)"; the name may still
        // open (a new file of that name), which the (device, inode) cache keeps apart.
        let openPath = path.hasSuffix(" (deleted)") ? String(path.dropLast(" (deleted)".count)) : path
        let table = process.root.flatMap { loader.table(root: $0, path: openPath) }
        tablesByProcessPath[key] = table
        return table
    }

    private func entry(_ pid: Int32, now: UInt64) -> ProcessEntry? {
        if let cached = processes[pid] { return cached }
        guard let mappings = readMappings(pid) else { return nil }
        let reader = KernelFileReader(initialCapacity: 4096, maximumFileBytes: 1 << 20)
        let command = (try? reader.string(of: "\(procRoot)/\(pid)/comm"))?.trimmingCharacters(in: .newlines) ?? ""
        let namespacePID =
            (try? reader.string(of: "\(procRoot)/\(pid)/status")).flatMap(Self.innermostNamespacePID) ?? pid
        let created = ProcessEntry(
            mappings: mappings, readAtNanoseconds: now, command: command.isEmpty ? "[pid \(pid)]" : command,
            root: FilesystemRoot(path: "\(procRoot)/\(pid)/root"), namespacePID: namespacePID)
        processes[pid] = created
        return created
    }

    /// The last number of the `NSpid:` line of /proc/PID/status.
    ///
    /// Read for each process a profile sees; splitting the file into Characters cost ~55 µs, so
    /// text whose bytes are its Characters (`ASCIIText`) is split by bytes, with the same result.
    static func innermostNamespacePID(_ status: String) -> Int32? {
        var status = status
        if let found = status.withUTF8(innermostNamespacePID(asciiStatus:)) { return found }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("NSpid:") }) else { return nil }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.flatMap { Int32($0) }
    }

    /// `innermostNamespacePID` over the bytes; nil when they are not ASCII without "\r".
    private static func innermostNamespacePID(asciiStatus status: UnsafeBufferPointer<UInt8>) -> Int32?? {
        guard ASCIIText.bytesAreCharacters(status) else { return nil }
        let prefix = "NSpid:".utf8
        guard
            let line = status.split(separator: UInt8(ascii: "\n")).first(where: { $0.starts(with: prefix) })
        else { return .some(nil) }
        let fields = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        return .some(fields.last.flatMap { Int32(String(decoding: $0, as: UTF8.self)) })
    }

    private func readMappings(_ pid: Int32) -> ProcessMappings? {
        try? KernelFileReader(maximumFileBytes: 64 << 20).withContents(of: "\(procRoot)/\(pid)/maps") {
            ProcessMappings(parsing: $0)
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds, the clock perf samples carry.
func monotonicNanoseconds() -> UInt64 { SystemClock.monotonic.nanoseconds() }
