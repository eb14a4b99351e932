import CLinuxSupport
import Profiling
#if canImport(Glibc)
import Glibc
#endif

/// A binary to place uprobes in, opened once and held open: its function symbols, with the
/// file offsets a uprobe takes, and the path the kernel is given, `/proc/self/fd/N`.
///
/// The file may come from inside a container (a path resolved through /proc/PID/root): it is
/// opened with openat2(RESOLVE_IN_ROOT), so a link inside the container cannot lead to a host
/// file, and the kernel attaches to exactly the file that was opened and read, not to whatever
/// the path names a moment later.
package final class UprobeBinary {
    /// A function of the binary and where its first instruction is in the file.
    package struct Function: Sendable, Equatable {
        package var name: String
        /// The symbol's virtual address, as in `nm`.
        package var address: UInt64
        /// Where the function's code starts in the file: what a uprobe is placed at.
        package var fileOffset: UInt64
    }

    /// The path as given.
    package let path: String
    /// Where it was resolved, for messages: `the host` or `container NAME (PID N's root)`.
    package let place: String
    /// Every function symbol with a file offset, sorted by address.
    package let functions: [Function]
    private var descriptor: Int32

    /// The path the kernel opens for a uprobe on this very file.
    package var kernelPath: String { "/proc/self/fd/\(descriptor)" }

    /// Opens `path` inside the root of `process` (nil: the host's root) and reads its symbols.
    package init(
        path: String, rootOfProcess process: Int32?, place: String, procRoot: String = "/proc"
    )
        throws(FunctionCountError)
    {
        let rootPath = process.map { "\(procRoot)/\($0)/root" } ?? "/"
        guard let root = FilesystemRoot(path: rootPath) else {
            throw .binaryUnreadable(
                path: path, place: place, reason: "cannot open \(rootPath): \(UprobeBinary.errnoText())")
        }
        let fd = periscope_open_in_root(root.descriptor, path)
        guard fd >= 0 else {
            let hint =
                process == nil && errno == ENOENT
                ? " (a binary that exists only inside a container is found with --container NAME)" : ""
            throw .binaryUnreadable(path: path, place: place, reason: "\(UprobeBinary.errnoText())\(hint)")
        }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            _ = Glibc.close(fd)
            throw .binaryUnreadable(path: path, place: place, reason: "not a regular file")
        }
        // Symbols are read through a second open of the same path: the kernel gets the first
        // descriptor, so both must be the same file.
        let parsed = ELFFileSource.withFile(in: root, path: path) {
            identity, source -> (ELFFileSource.FileIdentity, Result<ELFSymbolTable, ELFError>) in
            (identity, Result { () throws(ELFError) in try ELFSymbolTable(source: source) })
        }
        guard let parsed,
            parsed.0.device == UInt64(status.st_dev), parsed.0.inode == UInt64(status.st_ino)
        else {
            _ = Glibc.close(fd)
            throw .binaryUnreadable(path: path, place: place, reason: "the file changed while it was opened")
        }
        let table: ELFSymbolTable
        switch parsed.1 {
        case .success(let value): table = value
        case .failure(let error):
            _ = Glibc.close(fd)
            throw .binaryUnreadable(path: path, place: place, reason: "not a readable ELF file: \(error)")
        }
        let functions = table.symbols.compactMap { symbol in
            UprobeBinary.fileOffset(ofAddress: symbol.start, in: table.loadSegments).map {
                Function(name: symbol.name, address: symbol.start, fileOffset: $0)
            }
        }
        self.path = path
        self.place = place
        self.descriptor = fd
        self.functions = functions
    }

    deinit { close() }

    /// Closes the file (idempotent): uprobes already placed keep their own reference to it.
    package func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }

    /// The functions whose names match `pattern`.
    package func functions(matching pattern: GlobPattern) -> [Function] {
        functions.filter { pattern.matches($0.name) }
    }

    /// The file offset where virtual address `address` is loaded from: through the `PT_LOAD`
    /// segment that holds it (the same as the symbol's section address to offset, as libbpf does).
    package static func fileOffset(ofAddress address: UInt64, in segments: [ELFSymbolTable.LoadSegment]) -> UInt64? {
        for segment in segments
        where address >= segment.virtualAddress && address - segment.virtualAddress < segment.fileSize {
            return segment.fileOffset &+ (address - segment.virtualAddress)
        }
        return nil
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
