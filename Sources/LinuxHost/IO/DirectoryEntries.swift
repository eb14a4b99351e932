#if canImport(Glibc)
import Glibc
#endif

/// The names in a directory, read with readdir(3): "." and ".." left out, in the order the
/// file system gives them (sort where the order shows).
public enum DirectoryEntries {
    /// Which entries to list.
    public enum Kind: Sendable {
        case all
        /// Subdirectories only, by the entry's type (no stat per name: procfs, sysfs,
        /// cgroupfs, tracefs and the usual disk file systems fill it in).
        case directories
    }

    /// The names in `path`; nil when it cannot be opened (errno says why).
    public static func names(in path: String, _ kind: Kind = .all) -> [String]? {
        guard let handle = opendir(path) else { return nil }
        defer { closedir(handle) }
        return names(of: handle, kind)
    }

    /// The names of an open directory stream (from `opendir` or `fdopendir`), left open.
    public static func names(of handle: OpaquePointer, _ kind: Kind = .all) -> [String] {
        var names: [String] = []
        while let entry = readdir(handle) {
            if kind == .directories, entry.pointee.d_type != UInt8(DT_DIR) { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
