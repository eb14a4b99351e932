import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A `periscope serve` started for one test (the binary under test, or any command line that
/// runs it, e.g. `docker run` of the image) and stopped with SIGTERM afterwards.
final class AgentProcess {
    let port: Int
    let pid: pid_t
    let logPath: String
    /// The recording it writes (`--db`): a temporary file of its own unless `arguments` name one.
    let databasePath: String
    private let ownsDatabase: Bool
    private var exitStatus: Int32?

    /// Starts `command` + `serve --listen 127.0.0.1:PORT --db TEMPORARY ARGUMENTS` on a free
    /// port and waits until /metrics answers.
    init(
        command: [String] = [TestEnvironment.periscopeBinary], arguments: [String] = [],
        readyTimeoutSeconds: Double = 30
    ) throws {
        port = try FreePort.find()
        logPath =
            FileManager.default.temporaryDirectory.appendingPathComponent("periscope-agent-\(getpid())-\(port).log")
            .path
        if let index = arguments.firstIndex(of: "--db"), index + 1 < arguments.count {
            databasePath = arguments[index + 1]
            ownsDatabase = false
        } else {
            databasePath =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "periscope-agent-\(getpid())-\(port).db"
                ).path
            ownsDatabase = true
        }
        pid = try Shell.spawn(
            command + ["serve", "--listen", "127.0.0.1:\(port)"] + (ownsDatabase ? ["--db", databasePath] : [])
                + arguments, standardOutput: logPath, standardError: logPath)
        let deadline = Date().addingTimeInterval(readyTimeoutSeconds)
        while Date() < deadline {
            // Any HTTP answer means it listens (with a token, /metrics answers 401).
            if let response = try? HTTP.get(url("/metrics")), response.status > 0 { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus = status
                throw Shell.Failure(
                    command: command,
                    result: .init(status: status, standardOutput: log, standardError: "exited before serving"))
            }
            usleep(200_000)
        }
        stop()
        throw Shell.Failure(
            command: command,
            result: .init(
                status: -1, standardOutput: log, standardError: "no answer on /metrics in \(readyTimeoutSeconds) s"))
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, then the exit status (0 is a clean shutdown).
    @discardableResult
    func stop() -> Int32 {
        if let exitStatus { return exitStatus }
        kill(pid, SIGTERM)
        let status = Shell.wait(pid)
        exitStatus = status
        return status
    }

    deinit {
        stop()
        unlink(logPath)
        if ownsDatabase { for suffix in ["", "-wal", "-shm"] { unlink(databasePath + suffix) } }
    }
}

/// A TCP port nothing listens on now (bound to port 0, read back, closed).
enum FreePort {
    static func find() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// HTTP requests with curl (in every Debian image; the tests need no HTTP client library).
enum HTTP {
    struct Response {
        var status: Int
        var body: String
    }

    static func get(_ url: String, headers: [String] = []) throws -> Response { try request(url, headers: headers) }

    static func request(
        _ url: String, method: String = "GET", headers: [String] = [], body: String? = nil, dataURLEncode: [String] = []
    ) throws -> Response {
        let bodyPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-http-\(UUID().uuidString)"
        ).path
        defer { unlink(bodyPath) }
        var arguments = ["curl", "-sS", "--max-time", "20", "-o", bodyPath, "-w", "%{http_code}", "-X", method]
        for header in headers { arguments += ["-H", header] }
        // From a file: one argument may not exceed 128 KiB (MAX_ARG_STRLEN), and oversized bodies are tested.
        let requestPath = bodyPath + ".request"
        defer { unlink(requestPath) }
        if let body {
            try body.write(toFile: requestPath, atomically: false, encoding: .utf8)
            arguments += ["--data-binary", "@" + requestPath]
        }
        for parameter in dataURLEncode { arguments += ["--data-urlencode", parameter] }
        let result = try Shell.run(arguments + [url])
        guard result.status == 0, let status = Int(result.standardOutput) else {
            throw Shell.Failure(command: arguments, result: result)
        }
        return Response(status: status, body: (try? String(contentsOfFile: bodyPath, encoding: .utf8)) ?? "")
    }

    static func json(_ response: Response) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body.utf8))
    }
}
