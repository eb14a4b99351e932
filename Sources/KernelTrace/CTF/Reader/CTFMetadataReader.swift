#if canImport(Glibc)
import Glibc
#endif

/// The TSDL text of a CTF `metadata` file, plain or packetized.
///
/// Packetized metadata (LTTng, babeltrace's writer) is a sequence of packets, each with a 37-byte
/// header (magic 0x75D11D57, uuid, checksum, content and packet sizes in bits, compression,
/// encryption, checksum scheme, major, minor) followed by text.
enum CTFMetadataReader {
    static let packetMagic: UInt32 = 0x75D1_1D57
    static let packetHeaderBytes = 37
    /// Metadata larger than this is refused: real kernel traces have a few hundred kB.
    static let maximumBytes = 64 << 20

    static func read(path: String) throws -> String {
        // Mapped, not read: a kernel trace's metadata is ~330 KB, and the text is copied once,
        // straight out of the packets.
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            switch error {
            case .io(_, let code, _): throw CTFReaderError.unreadable(path: path, errno: code)
            case .malformed, .tracefs: throw CTFReaderError.unreadable(path: path, errno: EINVAL)
            }
        }
        guard file.bytes.count <= maximumBytes else {
            throw CTFReaderError.unsupportedMetadata("\(path) is larger than \(maximumBytes) bytes")
        }
        return try withExtendedLifetime(file) { try decode(file.bytes, path: path) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> String {
        guard bytes.count >= 4 else { return String(decoding: bytes, as: UTF8.self) }
        let magicLE = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let bigEndian: Bool
        if magicLE == packetMagic {
            bigEndian = false
        } else if magicLE.byteSwapped == packetMagic {
            bigEndian = true
        } else {
            return String(decoding: bytes, as: UTF8.self)
        }
        func u32(_ offset: Int) -> UInt32 {
            let value =
                UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
            return bigEndian ? value.byteSwapped : value
        }
        // The packets' text copied into the string's own storage, which repairs bad UTF-8 as
        // `String(decoding:as:)` does.
        var failure: CTFReaderError?
        let text = String(unsafeUninitializedCapacity: bytes.count) { text in
            var length = 0
            var offset = 0
            while offset + packetHeaderBytes <= bytes.count {
                guard u32(offset) == packetMagic else {
                    failure = .metadataPacket(path: path, offset: offset, reason: "bad magic")
                    return 0
                }
                let contentBytes = Int(u32(offset + 24)) / 8
                let packetBytes = Int(u32(offset + 28)) / 8
                let compression = bytes[offset + 32], encryption = bytes[offset + 33]
                guard compression == 0, encryption == 0 else {
                    failure = .metadataPacket(path: path, offset: offset, reason: "compressed or encrypted")
                    return 0
                }
                guard contentBytes >= packetHeaderBytes, packetBytes >= contentBytes,
                    offset + contentBytes <= bytes.count
                else {
                    failure = .metadataPacket(
                        path: path, offset: offset, reason: "sizes \(contentBytes)/\(packetBytes) out of range")
                    return 0
                }
                let contentLength = contentBytes - packetHeaderBytes
                memcpy(text.baseAddress! + length, bytes.baseAddress! + offset + packetHeaderBytes, contentLength)
                length += contentLength
                offset += packetBytes
            }
            // Text after a NUL is padding some writers leave in the last packet.
            guard length > 0, let nul = memchr(text.baseAddress!, 0, length) else { return length }
            return UnsafeRawPointer(nul) - UnsafeRawPointer(text.baseAddress!)
        }
        if let failure { throw failure }
        return text
    }
}
