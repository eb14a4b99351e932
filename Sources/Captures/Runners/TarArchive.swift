#if canImport(Glibc)
import Glibc
#endif

import LinuxHost

/// Writes a directory tree as a POSIX ustar archive, streaming each file in 1 MiB chunks (a
/// trace directory's page files are tens of MiB). Regular files and directories only; links
/// and devices in the tree are skipped, not followed.
enum TarArchive {
    static let blockSize = 512

    /// Archives `directory` into a new file `archivePath`, entries named `prefix/relative/path`.
    /// Returns the archive's size in bytes.
    static func write(directory: String, prefix: String, to archivePath: String) throws -> UInt64 {
        let output = try CaptureFiles.create(archivePath)
        defer { close(output) }
        var size: UInt64 = 0
        try add(directory: directory, name: prefix, to: output, archivePath: archivePath, size: &size)
        // Two zero blocks end the archive.
        try CaptureFiles.writeAll([UInt8](repeating: 0, count: 2 * blockSize)[...], to: output, path: archivePath)
        return size + UInt64(2 * blockSize)
    }

    private static func add(
        directory: String, name: String, to output: Int32, archivePath: String, size: inout UInt64
    ) throws {
        try writeHeader(name: name + "/", fileSize: 0, isDirectory: true, to: output, archivePath: archivePath)
        size += UInt64(blockSize)
        for entry in try entries(of: directory) {
            let path = "\(directory)/\(entry)"
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                try add(directory: path, name: "\(name)/\(entry)", to: output, archivePath: archivePath, size: &size)
            case S_IFREG:
                size += try addFile(path, name: "\(name)/\(entry)", to: output, archivePath: archivePath)
            default:
                continue
            }
        }
    }

    private static func addFile(_ path: String, name: String, to output: Int32, archivePath: String) throws -> UInt64 {
        let input = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard input >= 0 else { throw CaptureRunError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        var status = stat()
        guard fstat(input, &status) == 0 else {
            throw CaptureRunError("cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        let fileSize = UInt64(status.st_size)
        try writeHeader(name: name, fileSize: fileSize, isDirectory: false, to: output, archivePath: archivePath)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var remaining = fileSize
        while remaining > 0 {
            let count = buffer.withUnsafeMutableBytes {
                read(input, $0.baseAddress, Int(min(UInt64($0.count), remaining)))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw CaptureRunError("\(path) shrank while it was archived") }
            try CaptureFiles.writeAll(buffer[..<count], to: output, path: archivePath)
            remaining -= UInt64(count)
        }
        let padding = (blockSize - Int(fileSize % UInt64(blockSize))) % blockSize
        if padding > 0 {
            try CaptureFiles.writeAll([UInt8](repeating: 0, count: padding)[...], to: output, path: archivePath)
        }
        return UInt64(blockSize) + fileSize + UInt64(padding)
    }

    /// The header block of one entry (ustar: name up to 100 bytes, or a 155-byte prefix).
    static func header(name: String, fileSize: UInt64, isDirectory: Bool, modificationTime: Int = 0) throws -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        var nameBytes = Array(name.utf8)
        var prefixBytes: [UInt8] = []
        if nameBytes.count > 100 {
            guard let slash = nameBytes[..<min(nameBytes.count, 156)].lastIndex(of: UInt8(ascii: "/")),
                nameBytes.count - slash - 1 <= 100
            else {
                throw CaptureRunError("path too long for a tar archive: \(name)")
            }
            prefixBytes = Array(nameBytes[..<slash])
            nameBytes = Array(nameBytes[(slash + 1)...])
        }
        func put(_ bytes: [UInt8], at offset: Int) {
            for (index, byte) in bytes.enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: UInt64, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(nameBytes, at: 0)
        put(octal(isDirectory ? 0o755 : 0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(fileSize, width: 12), at: 124)
        put(octal(UInt64(modificationTime), width: 12), at: 136)
        put(Array("        ".utf8), at: 148)
        block[156] = isDirectory ? UInt8(ascii: "5") : UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(prefixBytes, at: 345)
        let checksum = block.reduce(UInt64(0)) { $0 + UInt64($1) }
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return block
    }

    private static func writeHeader(
        name: String, fileSize: UInt64, isDirectory: Bool, to output: Int32, archivePath: String
    ) throws {
        let block = try header(
            name: name, fileSize: fileSize, isDirectory: isDirectory, modificationTime: Int(time(nil)))
        try CaptureFiles.writeAll(block[...], to: output, path: archivePath)
    }

    /// Names in a directory, sorted, without `.` and `..`.
    static func entries(of directory: String) throws -> [String] {
        guard let names = DirectoryEntries.names(in: directory) else {
            throw CaptureRunError("cannot list \(directory): \(String(cString: strerror(errno)))")
        }
        return names.sorted()
    }
}
