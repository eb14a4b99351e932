#if canImport(Glibc)
import Glibc
#endif

/// The Docker Engine's own responsiveness: how long `GET /_ping` takes over its socket.
///
/// `/_ping` does no work in the daemon beyond answering "OK", so its latency is the daemon's
/// scheduling and API lock contention: "Docker operations slowing down" shows here before
/// any container does.
public enum DockerEngineProbe {
    /// The wall time of one `GET /_ping`, in nanoseconds; the error when it failed or took
    /// longer than `timeoutSeconds`.
    public static func pingNanoseconds(
        socketPath: String = "/var/run/docker.sock", timeoutSeconds: Int = 2
    ) -> Result<UInt64, RuntimeAPIError> {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        do {
            _ = try UnixSocketHTTP.get(socketPath: socketPath, path: "/_ping", timeoutSeconds: timeoutSeconds)
        } catch {
            return .failure(error)
        }
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        let nanoseconds =
            (Int64(end.tv_sec) - Int64(start.tv_sec)) * 1_000_000_000 + Int64(end.tv_nsec) - Int64(start.tv_nsec)
        return .success(UInt64(max(0, nanoseconds)))
    }
}
