#if canImport(Glibc)
import Glibc
#endif

/// Says whether the mount table changed since it was last read, without reading it.
///
/// `/proc/PID/mountinfo` reports POLLPRI after a mount or unmount (proc(5)), and reading it
/// through the same descriptor clears that. A scanner that runs every second (top, diagnose)
/// thereby parses mountinfo, which grows with every container's overlay mount, only when a
/// mount changed instead of on every scan. A regular file (a fixture tree) never reports
/// POLLPRI, so it is read once.
public final class MountInfoWatch {
    public let path: String
    private let descriptor: Int32
    private var hasBeenRead = false

    public init(path: String) throws(HostReadError) {
        self.path = path
        descriptor = try KernelFileReader.openForReading(path)
    }

    deinit { close(descriptor) }

    /// The file's text on the first call and whenever the mount table changed since the
    /// previous one; nil when unchanged.
    public func textIfChanged(reader: KernelFileReader) throws(HostReadError) -> String? {
        if hasBeenRead {
            var event = pollfd(fd: descriptor, events: Int16(POLLPRI), revents: 0)
            guard poll(&event, 1, 0) > 0, event.revents & Int16(POLLPRI | POLLERR) != 0 else { return nil }
        }
        let text = try reader.withContents(ofOpenDescriptor: descriptor, path: path) { bytes in
            String(decoding: bytes, as: UTF8.self)
        }
        hasBeenRead = true
        return text
    }
}
