#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

import LinuxHost

/// Finding CTF traces on disk: every directory holding a `metadata` file, as babeltrace2 does.
enum CTFDirectory {
    struct Entry {
        var name: String
        var isRegularFile: Bool
        var isDirectory: Bool
    }

    /// Directories are searched this deep (LTTng sessions nest `kernel/` or
    /// `ust/uid/0/64-bit/` under the session directory).
    static let maximumDepth = 6

    static func entries(of path: String) throws -> [Entry] {
        guard let names = DirectoryEntries.names(in: path) else {
            throw CTFReaderError.unreadable(path: path, errno: errno)
        }
        var result: [Entry] = []
        for name in names {
            var info = stat()
            guard stat(path + "/" + name, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            result.append(Entry(name: name, isRegularFile: type == S_IFREG, isDirectory: type == S_IFDIR))
        }
        return result
    }

    /// Every directory under `root` (itself included) that holds a `metadata` file.
    static func traceDirectories(under root: String) throws -> [String] {
        var found: [String] = []
        func walk(_ path: String, depth: Int) throws {
            let children = try entries(of: path)
            if children.contains(where: { $0.name == "metadata" && $0.isRegularFile }) { found.append(path) }
            guard depth < maximumDepth else { return }
            for child in children where child.isDirectory && !child.name.hasPrefix(".") && child.name != "index" {
                try walk(path + "/" + child.name, depth: depth + 1)
            }
        }
        try walk(root, depth: 0)
        return found.sorted()
    }
}
