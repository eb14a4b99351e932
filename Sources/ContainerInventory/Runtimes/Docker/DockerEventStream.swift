#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Follows the Docker Engine's container events (`GET /events`, a JSON object per line
/// that never ends) on a thread of its own, and hands them over in batches with `drain()`.
///
/// A sampler sees a container only when it samples, so a container living less than an
/// interval is missed and a start's duration is unknown; the daemon's events have both,
/// stamped to the nanosecond. When the connection breaks the stream reconnects every
/// `retrySeconds`, asking for the events since shortly before the last one it saw, so a broken
/// connection loses none (a restarted daemon has only the events since its start). The queue is
/// bounded (`capacity`): a consumer that stops draining
/// loses the oldest events and `droppedEvents` counts them.
public final class DockerEventStream: Sendable {
    private struct State {
        var events: [DockerContainerEvent] = []
        var dropped = 0
        var lastError: String?
        var connected = false
        var socket: Int32 = -1
    }

    /// The daemon's socket.
    public let socketPath: String
    /// Events kept until drained.
    public let capacity: Int
    /// Seconds between reconnection attempts.
    public let retrySeconds: Double
    private let state = Mutex(State())
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts following the daemon at `socketPath` from now.
    public init(socketPath: String = "/var/run/docker.sock", capacity: Int = 100_000, retrySeconds: Double = 2) {
        self.socketPath = socketPath
        self.capacity = capacity
        self.retrySeconds = retrySeconds
        let thread = Thread { [self] in
            self.run()
            self.finished.signal()
        }
        thread.name = "periscope-docker-events"
        thread.start()
    }

    /// The events received since the last call, oldest first.
    public func drain() -> [DockerContainerEvent] {
        state.withLock { state in
            defer { state.events.removeAll(keepingCapacity: true) }
            return state.events
        }
    }

    /// Events lost because the queue was full.
    public var droppedEvents: Int { state.withLock { $0.dropped } }
    /// True while connected to the daemon.
    public var isConnected: Bool { state.withLock { $0.connected } }
    /// Why the last connection failed or ended, if it did.
    public var lastError: String? { state.withLock { $0.lastError } }

    /// Stops the thread and closes the socket; returns once both are done.
    public func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        // Wakes a blocked recv at once instead of at its timeout.
        state.withLock { state in if state.socket >= 0 { shutdown(state.socket, Int32(SHUT_RDWR)) } }
        finished.wait()
    }

    deinit { stop() }

    private func run() {
        var replayFilter = DockerEventReplayFilter(startSecond: Int64(Date().timeIntervalSince1970))
        var firstConnection = true
        while !stopping.load(ordering: .relaxed) {
            do {
                let since = firstConnection ? replayFilter.newestSecond : replayFilter.resumeSecond
                firstConnection = false
                try follow(sinceSeconds: since, replayFilter: &replayFilter)
            } catch {
                state.withLock {
                    $0.lastError = error.description
                    $0.connected = false
                }
            }
            var waited = 0.0
            while waited < retrySeconds, !stopping.load(ordering: .relaxed) {
                usleep(100_000)
                waited += 0.1
            }
        }
    }

    /// One connection: reads until the daemon closes it, it fails, or `stop()`. `since` has a
    /// resolution of seconds: a reconnection repeats events already delivered, which
    /// `replayFilter` skips.
    private func follow(sinceSeconds: Int64, replayFilter: inout DockerEventReplayFilter) throws(RuntimeAPIError) {
        let fd = try UnixSocketHTTP.connect(socketPath: socketPath, timeoutSeconds: 1)
        let registered = state.withLock { state in
            guard !stopping.load(ordering: .relaxed) else { return false }
            state.socket = fd
            return true
        }
        defer {
            state.withLock { state in
                state.socket = -1
                state.connected = false
            }
            close(fd)
        }
        guard registered else { return }
        // filters={"type":["container"]}
        let path = "/v1.41/events?since=\(sinceSeconds)&filters=%7B%22type%22%3A%5B%22container%22%5D%7D"
        try UnixSocketHTTP.send(UnixSocketHTTP.request(path), on: fd, socketPath: socketPath)
        var pending: [UInt8] = []
        var headerDone = false
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while !stopping.load(ordering: .relaxed) {
            let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got < 0 {
                // The 1 s receive timeout only lets the loop look at `stopping`.
                if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                throw RuntimeAPIError(
                    socketPath: socketPath, reason: "events: recv: \(String(cString: strerror(errno)))")
            }
            if got == 0 {
                throw RuntimeAPIError(socketPath: socketPath, reason: "events: the daemon closed the stream")
            }
            pending.append(contentsOf: chunk[0..<got])
            if !headerDone {
                guard let end = pending.indices.first(where: { pending[$0...].starts(with: [13, 10, 13, 10]) }) else {
                    guard pending.count < 64 * 1024 else {
                        throw RuntimeAPIError(socketPath: socketPath, reason: "events: no end of headers")
                    }
                    continue
                }
                _ = try UnixSocketHTTP.splitBody(Array(pending[...(end + 3)])) {
                    RuntimeAPIError(socketPath: socketPath, reason: "events: \($0)")
                }
                pending.removeFirst(end + 4)
                headerDone = true
                state.withLock {
                    $0.connected = true
                    $0.lastError = nil
                }
            }
            var lineStart = pending.startIndex
            var received: [DockerContainerEvent] = []
            while let newline = pending[lineStart...].firstIndex(of: 10) {
                if let event = DockerContainerEvent.decode(pending[lineStart..<newline]),
                    replayFilter.isNew(event)
                {
                    received.append(event)
                }
                lineStart = newline + 1
            }
            pending.removeFirst(lineStart - pending.startIndex)
            guard pending.count < 1 << 20 else {
                throw RuntimeAPIError(socketPath: socketPath, reason: "events: a line longer than 1 MiB")
            }
            if !received.isEmpty { enqueue(received) }
        }
    }

    private func enqueue(_ received: [DockerContainerEvent]) {
        state.withLock { state in
            state.events.append(contentsOf: received)
            if state.events.count > capacity {
                let excess = state.events.count - capacity
                state.events.removeFirst(excess)
                state.dropped += excess
            }
        }
    }
}
