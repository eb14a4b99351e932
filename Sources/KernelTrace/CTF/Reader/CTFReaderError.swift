/// Why a CTF trace could not be read; each case says where.
public enum CTFReaderError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, errno: Int32)
    case noMetadata(path: String)
    case metadataPacket(path: String, offset: Int, reason: String)
    case metadataSyntax(line: Int, reason: String)
    case unsupportedMetadata(String)
    case badPacket(path: String, offset: Int, reason: String)
    case badEvent(path: String, packetOffset: Int, bitOffset: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let errno):
            "cannot read \(path): \(String(cString: strerror(errno)))"
        case .noMetadata(let path):
            "\(path) holds no CTF trace (no `metadata` file in it or its subdirectories)"
        case .metadataPacket(let path, let offset, let reason):
            "\(path): corrupt metadata packet at byte \(offset): \(reason)"
        case .metadataSyntax(let line, let reason):
            "CTF metadata line \(line): \(reason)"
        case .unsupportedMetadata(let reason):
            "unsupported CTF metadata: \(reason)"
        case .badPacket(let path, let offset, let reason):
            "\(path): corrupt packet at byte \(offset): \(reason)"
        case .badEvent(let path, let packetOffset, let bitOffset, let reason):
            "\(path): corrupt event in the packet at byte \(packetOffset), bit \(bitOffset): \(reason)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
