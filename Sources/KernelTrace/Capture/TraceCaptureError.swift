import ContainerInventory
import LinuxHost

/// Why a capture could not start or finish, with the fix when there is one.
public enum TraceCaptureError: Error, Sendable, CustomStringConvertible {
    case tracefs(TracefsError)
    case directory(TraceDirectoryError)
    case inventory(HostReadError)
    case container(ContainerMatchError)
    case outputNotEmpty(String)

    public var description: String {
        switch self {
        case .tracefs(let error): return error.description
        case .directory(let error): return error.description
        case .inventory(let error): return "cannot read the process inventory: \(error)"
        case .container(let failure): return failure.description
        case .outputNotEmpty(let path): return "\(path) exists and is not empty; give a new directory"
        }
    }
}
