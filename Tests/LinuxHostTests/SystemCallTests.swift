import Foundation
import Synchronization
import Testing
@testable import LinuxHost
#if canImport(Glibc)
import Glibc
#endif

/// Signals delivered to the interrupted thread (SIGUSR2, installed without SA_RESTART).
private let interruptionsDelivered = Atomic<Int>(0)

/// Runs `body` on this thread while another thread sends it SIGUSR2 every 0.5 ms for
/// `interruptFor`, then runs `afterwards` on that thread. The handler is installed without
/// SA_RESTART, so a blocking call of `body` fails with EINTR unless it retries.
private func whileInterrupted<Result>(
    interruptFor milliseconds: Int, afterwards: @escaping @Sendable () -> Void, _ body: () -> Result
) -> (result: Result, signals: Int) {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in interruptionsDelivered.add(1, ordering: .relaxed) }
    action.sa_flags = 0
    sigemptyset(&action.sa_mask)
    var previous = sigaction()
    sigaction(SIGUSR2, &action, &previous)
    defer { sigaction(SIGUSR2, &previous, nil) }
    // Test runners may block signals in their worker threads: take SIGUSR2 on this one.
    var usr2 = sigset_t()
    sigemptyset(&usr2)
    sigaddset(&usr2, SIGUSR2)
    var previousMask = sigset_t()
    pthread_sigmask(SIG_UNBLOCK, &usr2, &previousMask)
    defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
    let before = interruptionsDelivered.load(ordering: .relaxed)
    let target = pthread_self()
    let interrupter = Thread {
        for _ in 0..<(milliseconds * 2) {
            pthread_kill(target, SIGUSR2)
            usleep(500)
        }
        afterwards()
    }
    interrupter.start()
    let result = body()
    // The interrupter must not signal a thread that has moved on to other tests.
    while !interrupter.isFinished { usleep(1000) }
    return (result, interruptionsDelivered.load(ordering: .relaxed) - before)
}

@Suite("SystemCall", .serialized)
struct SystemCallTests {
    /// The set-up is real: a plain read(2) under the same signals fails with EINTR, so the
    /// tests below would fail without the retry.
    @Test func thePlainCallIsInterrupted() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let writeEnd = fds[1]
        var buffer = [UInt8](repeating: 0, count: 5)
        let (outcome, signals) = whileInterrupted(interruptFor: 30, afterwards: { _ = write(writeEnd, "hello", 5) }) {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fds[0], $0.baseAddress, $0.count) }
            return (count, errno)
        }
        #expect(signals > 0)
        #expect(outcome.0 == -1)
        #expect(outcome.1 == EINTR)
    }

    @Test func readFullyRetriesInterruptsAndShortReads() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let writeEnd = fds[1]
        var buffer = [UInt8](repeating: 0, count: 10)
        let (count, signals) = whileInterrupted(
            interruptFor: 30,
            afterwards: {
                // Two writes: the first read returns 5 bytes, a short read readFully continues.
                _ = write(writeEnd, "hello", 5)
                usleep(5000)
                _ = write(writeEnd, "world", 5)
            }
        ) {
            Result { () throws(Errno) in try SystemCall.readFully(fds[0], into: &buffer) }
        }
        #expect(signals > 0)
        #expect(try count.get() == 10)
        #expect(String(decoding: buffer, as: UTF8.self) == "helloworld")
    }

    /// A blocking write to a full pipe that a signal interrupts after part of it was
    /// copied returns short; writeAll must deliver every byte, in order.
    @Test func writeAllRetriesInterruptsAndShortWrites() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let readEnd = fds[0]
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 12) }
        let received = Mutex<[UInt8]>([])
        let reader = Thread {
            // Late: the writer fills the pipe and blocks with nothing copied, so a signal
            // makes write(2) fail with EINTR (and, once it copied part, return short).
            usleep(100_000)
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                received.withLock { $0.append(contentsOf: chunk[..<count]) }
                usleep(50)
            }
        }
        reader.start()
        let (outcome, signals) = whileInterrupted(interruptFor: 150, afterwards: {}) {
            Result { () throws(Errno) in try SystemCall.writeAll(fds[1], payload) }
        }
        try outcome.get()
        close(fds[1])
        fds[1] = -1
        while !reader.isFinished { usleep(1000) }
        #expect(signals > 0)
        #expect(received.withLock { $0 } == payload)
    }

    @Test func sleepLastsItsDurationDespiteSignals() {
        let started = SystemClock.monotonic.nanoseconds()
        let (_, signals) = whileInterrupted(interruptFor: 20, afterwards: {}) {
            SystemCall.sleep(nanoseconds: 40_000_000)
        }
        #expect(signals > 0)
        #expect(SystemClock.monotonic.nanoseconds() - started >= 40_000_000)
    }

    @Test func failuresThrowTheErrnoWithItsMessage() {
        #expect(throws: Errno(rawValue: ENOENT)) { try SystemCall.open("/nonexistent/periscope-test", O_RDONLY) }
        #expect(Errno(rawValue: ENOENT).description == "No such file or directory")
        #expect(Errno(rawValue: ESRCH).isVanished)
        #expect(Errno(rawValue: EACCES).isPermissionDenied)
        #expect(!Errno(rawValue: EIO).isVanished)
    }

    @Test func openedDescriptorsAreCloseOnExec() throws {
        let fd = try SystemCall.open("/proc/self/stat", O_RDONLY)
        defer { try? SystemCall.close(fd) }
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
    }
}

@Suite("SystemClock")
struct SystemClockTests {
    @Test func realtimeIsUnixTimeAndTheOffsetJoinsTheClocks() {
        let unixNow = Date().timeIntervalSince1970
        #expect(abs(SystemClock.realtime.seconds() - unixNow) < 2)
        let offset = SystemClock.realtimeOffsetNanoseconds()
        let fromMonotonic = Double(Int64(SystemClock.monotonic.nanoseconds()) + offset) / 1e9
        #expect(abs(fromMonotonic - unixNow) < 2)
    }

    @Test func monotonicNeverGoesBackAndBoottimeIsAtLeastIt() {
        var previous = SystemClock.monotonic.nanoseconds()
        for _ in 0..<1000 {
            let now = SystemClock.monotonic.nanoseconds()
            #expect(now >= previous)
            previous = now
        }
        // CLOCK_BOOTTIME counts suspended time too, so it is never behind CLOCK_MONOTONIC.
        let monotonic = SystemClock.monotonic.nanoseconds()
        #expect(SystemClock.boottime.nanoseconds() >= monotonic)
    }
}
