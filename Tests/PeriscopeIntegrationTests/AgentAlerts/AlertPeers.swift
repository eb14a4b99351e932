import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The processes of the alert test: the agent under test, a real Alertmanager and a real
/// Prometheus, each on a free loopback port with its own directory, stopped with SIGTERM and
/// deleted afterwards.
final class AlertPeer {
    let port: Int
    let pid: pid_t
    let directory: String

    /// Starts `command(port, directory)` and waits until `readyPath` answers 200 (any answer
    /// with `anyAnswer`).
    init(_ name: String, readyPath: String, anyAnswer: Bool = false, command: (Int, String) throws -> [String]) throws {
        port = try AlertPeer.freePort()
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("periscope-\(name)-\(getpid())-\(port)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let arguments = try command(port, directory)
        pid = try Shell.spawn(arguments, standardOutput: directory + "/log", standardError: directory + "/log")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let status = try? AlertPeer.get(url(readyPath)).status, anyAnswer ? status > 0 : status == 200 { return }
            usleep(200_000)
        }
        stop()
        throw Shell.Failure(
            command: arguments,
            result: .init(status: -1, standardOutput: log, standardError: "\(name) not ready in 60 s"))
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
    var log: String { (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? "" }

    @discardableResult
    func stop() -> Int32 {
        kill(pid, SIGTERM)
        return Shell.wait(pid)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// GET with curl: the status and the body.
    static func get(_ url: String) throws -> (status: Int, body: String) {
        let bodyPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-alert-http-\(UUID().uuidString)"
        ).path
        defer { unlink(bodyPath) }
        let result = try Shell.run(["curl", "-sS", "--max-time", "20", "-o", bodyPath, "-w", "%{http_code}", url])
        guard result.status == 0, let status = Int(result.standardOutput) else {
            throw Shell.Failure(command: ["curl", url], result: result)
        }
        return (status, (try? String(contentsOfFile: bodyPath, encoding: .utf8)) ?? "")
    }

    static func json(_ url: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try get(url).body.utf8))
    }
}
