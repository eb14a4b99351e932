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
public final class SymbolFileLoader {
    /// Debug roots searched, in each filesystem root.
    static let debugDirectory = "/usr/lib/debug"
    /// The largest MiniDebugInfo accepted, unpacked.
    static let maximumMiniDebugInfoBytes = 256 << 20

    private let hostRoot: FilesystemRoot?
    private var tablesByFile: [ELFFileSource.FileIdentity: ELFSymbolTable?] = [:]
    private var tablesByBuildID: [[UInt8]: ELFSymbolTable] = [:]

    /// Files whose symbols were loaded, and those that were unreadable or not ELF.
    public private(set) var loadedFileCount = 0
    public private(set) var rejectedFileCount = 0
    /// Tables completed from a separate debug file or MiniDebugInfo.
    public private(set) var debugFileCount = 0
    public private(set) var miniDebugInfoCount = 0

    /// `hostRoot` is where host-side debug files live (`/`); nil searches only inside processes.
    public init(hostRootPath: String? = "/") {
        hostRoot = hostRootPath.flatMap { FilesystemRoot(path: $0) }
    }

    /// The symbols of `path` as seen from `root`; nil when it cannot be read or is not ELF.
    public func table(root: FilesystemRoot, path: String) -> ELFSymbolTable? {
        let loaded: ELFSymbolTable?? = ELFFileSource.withFile(in: root, path: path) { identity, source in
            if let cached = tablesByFile[identity] { return cached }
            let table = load(source: source, root: root, path: path)
            if table == nil { rejectedFileCount += 1 } else { loadedFileCount += 1 }
            tablesByFile[identity] = table
            return table
        }
        if loaded == nil { rejectedFileCount += 1 }
        return loaded ?? nil
    }

    private func load(source: ELFFileSource, root: FilesystemRoot, path: String) -> ELFSymbolTable? {
        guard let table = try? ELFSymbolTable(source: source) else { return nil }
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

    /// The paths GDB searches, in its order: build-id first, then the debug link next to the
    /// file, in its `.debug` directory, and under the global debug directory.
    static func debugCandidates(for info: ELFDebugInfo, path: String) -> [String] {
        var candidates: [String] = []
        if let buildIDPath = info.buildIDPath { candidates.append("\(debugDirectory)/\(buildIDPath)") }
        if let link = info.debugLink {
            let directory = path.split(separator: "/").dropLast().joined(separator: "/")
            let absolute = "/" + directory
            candidates.append(directory.isEmpty ? "/\(link)" : "\(absolute)/\(link)")
            candidates.append(directory.isEmpty ? "/.debug/\(link)" : "\(absolute)/.debug/\(link)")
            candidates.append("\(debugDirectory)\(directory.isEmpty ? "" : absolute)/\(link)")
        }
        return candidates
    }

    private func separateDebugTable(for info: ELFDebugInfo, root: FilesystemRoot, path: String) -> ELFSymbolTable? {
        let candidates = Self.debugCandidates(for: info, path: path)
        guard !candidates.isEmpty else { return nil }
        for searchRoot in [root, hostRoot].compactMap({ $0 }) {
            for candidate in candidates {
                let found: ELFSymbolTable?? = ELFFileSource.withFile(in: searchRoot, path: candidate) { _, source in
                    guard let debug = try? ELFSymbolTable(source: source), debug.debugInfo.hasSymbolTable else { return nil }
                    // A debug file for another build of the same name would give wrong names.
                    if let wanted = info.buildID, let actual = debug.debugInfo.buildID, wanted != actual { return nil }
                    return debug
                }
                if let found = found ?? nil { return found }
            }
        }
        return nil
    }

    private func miniDebugInfoTable(_ info: ELFDebugInfo, source: ELFFileSource) -> ELFSymbolTable? {
        guard let range = info.miniDebugInfo, let packed = source.bytes(at: range.offset, count: Int(range.size)),
              let unpacked = Self.xzDecode(packed, maximumBytes: Self.maximumMiniDebugInfoBytes) else { return nil }
        return try? ELFSymbolTable(source: ELFMemorySource(unpacked))
    }

    /// Unpacks an .xz stream with liblzma; nil when corrupt or larger than `maximumBytes`.
    public static func xzDecode(_ packed: [UInt8], maximumBytes: Int) -> [UInt8]? {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = packed.withUnsafeBufferPointer { periscope_xz_decode($0.baseAddress, $0.count, maximumBytes, &output, &length) }
        guard status == 0, let output else { return nil }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
