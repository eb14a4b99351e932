import LinuxHost

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
        let bytes = try readWholeFile(path: path, limit: maximumBytes)
        return try decode(bytes, path: path)
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> String {
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
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count)
        var offset = 0
        while offset + packetHeaderBytes <= bytes.count {
            guard u32(offset) == packetMagic else {
                throw CTFReaderError.metadataPacket(path: path, offset: offset, reason: "bad magic")
            }
            let contentBytes = Int(u32(offset + 24)) / 8
            let packetBytes = Int(u32(offset + 28)) / 8
            let compression = bytes[offset + 32], encryption = bytes[offset + 33]
            guard compression == 0, encryption == 0 else {
                throw CTFReaderError.metadataPacket(path: path, offset: offset, reason: "compressed or encrypted")
            }
            guard contentBytes >= packetHeaderBytes, packetBytes >= contentBytes, offset + contentBytes <= bytes.count
            else {
                throw CTFReaderError.metadataPacket(
                    path: path, offset: offset, reason: "sizes \(contentBytes)/\(packetBytes) out of range")
            }
            text.append(contentsOf: bytes[(offset + packetHeaderBytes)..<(offset + contentBytes)])
            offset += packetBytes
        }
        // Text after a NUL is padding some writers leave in the last packet.
        if let nul = text.firstIndex(of: 0) { text.removeSubrange(nul...) }
        return String(decoding: text, as: UTF8.self)
    }

    static func readWholeFile(path: String, limit: Int) throws -> [UInt8] {
        do {
            return try KernelFileReader.bytes(of: path, maximumBytes: limit)
        } catch {
            switch error.kind {
            case .system(let code): throw CTFReaderError.unreadable(path: path, errno: code)
            case .malformed: throw CTFReaderError.unsupportedMetadata("\(path) is larger than \(limit) bytes")
            }
        }
    }
}
