#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// A failed request to a runtime's API socket.
public struct RuntimeAPIError: Error, Sendable, CustomStringConvertible {
    public let socketPath: String
    public let reason: String
    /// The HTTP status when the daemon answered with an error (404: no such container).
    public var httpStatus: Int? = nil

    public var description: String { "\(socketPath): \(reason)" }
}

/// A minimal HTTP/1.0 GET over a unix socket, enough for the Docker Engine API.
///
/// HTTP/1.0 makes the daemon close the connection after the body and never use chunked
/// encoding, so the response is simply everything until EOF. One request costs a connect
/// and a read: about a millisecond, where a general HTTP client would cost seconds of build
/// time and an event loop for the same job.
enum UnixSocketHTTP {
    /// Sends `GET path` and returns the body of a 2xx response.
    static func get(socketPath: String, path: String, timeoutSeconds: Int = 5) throws(RuntimeAPIError) -> [UInt8] {
        func failure(_ reason: String) -> RuntimeAPIError { RuntimeAPIError(socketPath: socketPath, reason: reason) }
        let fd = try connect(socketPath: socketPath, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }
        try send(request(path), on: fd, socketPath: socketPath)

        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let got = chunk.withUnsafeMutableBytes { bytes in
                SystemCall.retryingInterrupts { recv(fd, bytes.baseAddress, bytes.count, 0) }
            }
            if got < 0 { throw failure("recv: \(Errno.current)") }
            if got == 0 { break }
            response.append(contentsOf: chunk[0..<got])
            guard response.count < 256 * 1024 * 1024 else { throw failure("response larger than 256 MiB") }
        }
        return try splitBody(response, failure: failure)
    }

    /// A connected stream socket to `socketPath` whose sends and receives time out after
    /// `timeoutSeconds`; the caller closes it.
    static func connect(socketPath: String, timeoutSeconds: Int) throws(RuntimeAPIError) -> Int32 {
        func failure(_ reason: String) -> RuntimeAPIError { RuntimeAPIError(socketPath: socketPath, reason: reason) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure("socket: \(Errno.current)") }
        var connectedFD: Int32? = nil
        defer { if connectedFD == nil { close(fd) } }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw failure("socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            let hint = (code == EACCES) ? " (add yourself to the docker group, or run as root)" : ""
            throw failure("connect: \(Errno(rawValue: code))\(hint)")
        }
        connectedFD = fd
        return fd
    }

    /// The HTTP/1.0 request line and headers for `GET path`.
    static func request(_ path: String) -> [UInt8] {
        // dockerd rejects requests without a Host header (400 "missing required Host header").
        Array("GET \(path) HTTP/1.0\r\nHost: docker\r\nUser-Agent: periscope\r\n\r\n".utf8)
    }

    /// Sends all of `bytes`, retrying EINTR.
    static func send(_ bytes: [UInt8], on fd: Int32, socketPath: String) throws(RuntimeAPIError) {
        var sent = 0
        while sent < bytes.count {
            let wrote = bytes[sent...].withUnsafeBytes { raw in
                SystemCall.retryingInterrupts { Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL)) }
            }
            if wrote < 0 { throw RuntimeAPIError(socketPath: socketPath, reason: "send: \(Errno.current)") }
            sent += wrote
        }
    }

    static func splitBody(
        _ response: [UInt8], failure: (String) -> RuntimeAPIError
    ) throws(RuntimeAPIError) -> [UInt8] {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headerEnd = response.indices.first(where: { response[$0...].starts(with: separator) }) else {
            throw failure("malformed HTTP response (\(response.count) bytes)")
        }
        let statusLine = String(decoding: response.prefix { $0 != 13 }, as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        let body = Array(response[(headerEnd + 4)...])
        guard parts.count >= 2, let code = Int(parts[1]) else { throw failure("malformed status line: \(statusLine)") }
        guard (200..<300).contains(code) else {
            var error = failure("HTTP \(code): \(String(decoding: body.prefix(300), as: UTF8.self))")
            error.httpStatus = code
            throw error
        }
        return body
    }
}
