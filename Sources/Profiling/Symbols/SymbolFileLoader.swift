#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport

/// Loads the symbol table of a mapped file, looking for full symbols where the file has
/// none of its own: separate debug files by build-id and `.gnu_debuglink`, inside the
/// process's root first and on the host second, then MiniDebugInfo (`.gnu_debugdata`).
///
/// Tables are cached by file identity (device, inode) and by build-id, so one library mapped
/// by a hundred processes, or the same image's binary in ten containers, is parsed once.
package final class SymbolFileLoader {
    /// Debug roots searched, in each filesystem root.
    static let debugDirectory = "/usr/lib/debug"
    /// The largest MiniDebugInfo accepted, unpacked.
    static let maximumMiniDebugInfoBytes = 256 << 20

    /// String tables larger than this stay in their file and are read a name at a time
    /// (a compiler's are 10-40 MB); smaller ones are read whole.
    static let residentNameBytes = 1 << 20
    /// Tables that read names on demand keep their file open: at most this many, then the
    /// rest read their names whole.
    static let maximumOpenFiles = 128

    private let hostRoot: FilesystemRoot?
    private var openFileCount = 0
    private var tablesByFile: [ELFFileSource.FileIdentity: ELFSymbolTable?] = [:]
    private var tablesByBuildID: [[UInt8]: ELFSymbolTable] = [:]

    /// Files whose symbols were loaded, and those that were unreadable or not ELF.
    package private(set) var loadedFileCount = 0
    package private(set) var rejectedFileCount = 0
    /// Tables completed from a separate debug file or MiniDebugInfo.
    package private(set) var debugFileCount = 0
    package private(set) var miniDebugInfoCount = 0

    /// `hostRoot` is where host-side debug files live (`/`); nil searches only inside processes.
    package init(hostRootPath: String? = "/") {
        hostRoot = hostRootPath.flatMap { FilesystemRoot(path: $0) }
    }

    /// The symbols of `path` as seen from `root`; nil when it cannot be read or is not ELF.
    package func table(root: FilesystemRoot, path: String) -> ELFSymbolTable? {
        guard let file = ELFOpenFile(in: root, path: path) else {
            rejectedFileCount += 1
            return nil
        }
        if let cached = tablesByFile[file.identity] { return cached }
        let table = load(file: file, root: root, path: path)
        if table == nil { rejectedFileCount += 1 } else { loadedFileCount += 1 }
        if table?.namesFile === file { openFileCount += 1 }
        tablesByFile[file.identity] = table
        return table
    }

    private func load(file: ELFOpenFile, root: FilesystemRoot, path: String) -> ELFSymbolTable? {
        let residentNameBytes = openFileCount < Self.maximumOpenFiles ? Self.residentNameBytes : .max
        guard let table = try? ELFSymbolTable(file: file, residentNameBytes: residentNameBytes) else { return nil }
        let source = file.source
        let info = table.debugInfo
        if let buildID = info.buildID, let cached = tablesByBuildID[buildID] {
            return cached.withSegments(of: table)
        }
        var complete = table
        if !info.hasSymbolTable {
            if let debug = separateDebugTable(for: info, root: root, path: path) {
                complete = table.adding(symbolsOf: debug)
                debugFileCount += 1
            } else if let mini = miniDebugInfoTable(info, source: source) {
                complete = table.adding(symbolsOf: mini)
                miniDebugInfoCount += 1
            }
        }
        if let buildID = info.buildID { tablesByBuildID[buildID] = complete }
        return complete
    }

    /// A place a separate debug file may be, and so how it is checked before it is used.
    struct DebugCandidate: Equatable {
        var path: String
        /// Found by build-id (`.build-id/xx/rest.debug`): its build-id must be the binary's.
        /// Otherwise found by the debug link's name: its CRC-32 must be the link's first.
        var byBuildID: Bool
    }

    /// The paths GDB searches, in its order: build-id first, then the debug link next to the
    /// file, in its `.debug` directory, and under the global debug directory.
    static func debugCandidates(for info: ELFDebugInfo, path: String) -> [DebugCandidate] {
        var candidates: [DebugCandidate] = []
        if let buildIDPath = info.buildIDPath {
            candidates.append(DebugCandidate(path: "\(debugDirectory)/\(buildIDPath)", byBuildID: true))
        }
        if let link = info.debugLink {
            let directory = path.split(separator: "/").dropLast().joined(separator: "/")
            let absolute = "/" + directory
            for candidate in [
                directory.isEmpty ? "/\(link)" : "\(absolute)/\(link)",
                directory.isEmpty ? "/.debug/\(link)" : "\(absolute)/.debug/\(link)",
                "\(debugDirectory)\(directory.isEmpty ? "" : absolute)/\(link)"
            ] {
                candidates.append(DebugCandidate(path: candidate, byBuildID: false))
            }
        }
        return candidates
    }

    /// The largest separate debug file whose CRC is computed (a few hundred MB is usual).
    static let maximumDebugFileBytes: UInt64 = 2 << 30

    /// Searches the process's own root first (its files match its binaries), then the host's.
    ///
    /// The binary and its debug link are the container's to choose, so a name found by the
    /// link names a file Periscope would open on the host: nothing is parsed before it is
    /// verified. A link candidate must have the CRC-32 the link records (a link without one
    /// is not followed), and when the binary has a build-id every candidate must carry the
    /// same one; a build-id candidate without a build-id is refused.
    private func separateDebugTable(for info: ELFDebugInfo, root: FilesystemRoot, path: String) -> ELFSymbolTable? {
        let candidates = Self.debugCandidates(for: info, path: path)
        guard !candidates.isEmpty else { return nil }
        for searchRoot in [root, hostRoot].compactMap({ $0 }) {
            for candidate in candidates {
                let found: ELFSymbolTable?? = ELFFileSource.withFile(in: searchRoot, path: candidate.path) {
                    _, source in
                    if !candidate.byBuildID {
                        guard let wanted = info.debugLinkCRC, Self.crc32(of: source) == wanted else { return nil }
                    }
                    guard let debug = try? ELFSymbolTable(source: source), debug.debugInfo.hasSymbolTable else {
                        return nil
                    }
                    // A debug file for another build of the same name would give wrong names.
                    if let wanted = info.buildID, debug.debugInfo.buildID != wanted { return nil }
                    return debug
                }
                if let found = found ?? nil { return found }
            }
        }
        return nil
    }

    /// The CRC-32 of a whole file, as `.gnu_debuglink` records it; nil when unreadable or
    /// larger than `maximumDebugFileBytes`.
    static func crc32(of source: ELFFileSource) -> UInt32? {
        guard source.byteCount <= maximumDebugFileBytes else { return nil }
        let chunkBytes = 1 << 20
        var crc: UInt32 = 0
        var offset: UInt64 = 0
        while offset < source.byteCount {
            let count = Int(min(UInt64(chunkBytes), source.byteCount - offset))
            guard let chunk = source.bytes(at: offset, count: count) else { return nil }
            crc = chunk.withUnsafeBufferPointer { periscope_crc32(crc, $0.baseAddress, $0.count) }
            offset += UInt64(count)
        }
        return crc
    }

    private func miniDebugInfoTable(_ info: ELFDebugInfo, source: ELFFileSource) -> ELFSymbolTable? {
        guard let range = info.miniDebugInfo, let packed = source.bytes(at: range.offset, count: Int(range.size)),
            let unpacked = Self.xzDecode(packed, maximumBytes: Self.maximumMiniDebugInfoBytes)
        else { return nil }
        return try? ELFSymbolTable(source: ELFMemorySource(unpacked))
    }

    /// Unpacks an .xz stream with liblzma; nil when corrupt or larger than `maximumBytes`.
    package static func xzDecode(_ packed: [UInt8], maximumBytes: Int) -> [UInt8]? {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = packed.withUnsafeBufferPointer {
            periscope_xz_decode($0.baseAddress, $0.count, maximumBytes, &output, &length)
        }
        guard status == 0, let output else { return nil }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
