#if canImport(Glibc)
import Glibc
#endif
import LinuxHost

/// Why the terminal could not be taken over.
public struct TerminalError: Error, CustomStringConvertible {
    /// What failed, with the fix when there is one.
    public var description: String
}

/// A terminal taken over for a full-screen view: raw input, the alternate screen, no cursor.
///
/// The terminal must come back however the program ends. `restore()` runs on a normal
/// exit and on a thrown error (call it from a `defer`); for SIGINT, SIGTERM and SIGHUP, and
/// for crashes (SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS), handlers put the saved termios
/// back with async-signal-safe calls only (`tcsetattr`, `write`) and then re-raise the
/// signal with its default action, so the exit status still says what killed us. SIGWINCH
/// writes a byte to a pipe that `readInput` polls beside standard input: the kernel may run
/// the handler on any thread (the Swift runtime starts some), so an interrupted `poll` on
/// the main thread cannot be relied on. Ctrl-Z (a key in raw mode, see `suspend()`) and an
/// outside SIGTSTP give the terminal back before the process stops, and take it again on
/// SIGCONT, waking `readInput` with `.resized` so the caller redraws. One per process.
public final class FullScreenTerminal {
    private var isActive = false

    /// Takes over the terminal on standard input and output.
    public init() throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(
                description:
                    "the live view needs a terminal on standard input and output; use --batch or --json when piping")
        }
        guard tcgetattr(STDIN_FILENO, &terminalSavedSettings) == 0 else {
            throw TerminalError(description: "tcgetattr on standard input failed: \(String(cString: strerror(errno)))")
        }
        var raw = terminalSavedSettings
        // Not cfmakeraw: output post-processing stays on, and so does nothing else. ISIG is
        // off so Ctrl-C and Ctrl-Z arrive as keys (quit; `suspend()`) instead of stopping
        // the process with the screen still taken.
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | IEXTEN | ISIG)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        // Globals are initialised lazily, which a signal handler must not trigger: touch it now.
        _ = leaveSequence.count
        _ = enterBytes.count
        terminalRawSettings = raw
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw TerminalError(description: "pipe failed: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        (terminalWakeRead, terminalWakeWrite) = (ends[0], ends[1])
        for signal in Self.restoringSignals { Glibc.signal(signal, restoreAndReraise) }
        Glibc.signal(SIGWINCH, noteResize)
        Glibc.signal(SIGTSTP, suspendUntilContinued)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else {
            throw TerminalError(description: "tcsetattr on standard input failed: \(String(cString: strerror(errno)))")
        }
        terminalIsRaw = 1
        isActive = true
        Self.write(String(decoding: enterBytes, as: UTF8.self))
    }

    /// Ctrl-Z: gives the terminal back and stops, as a shell job does; returns after `fg`
    /// with the view taken over again and a redraw pending.
    public func suspend() {
        guard isActive else { return }
        // To the process, not this thread: the view may run on a thread that blocks signals.
        kill(getpid(), SIGTSTP)
    }

    deinit { restore() }

    static let restoringSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS]

    /// Leaves the alternate screen, shows the cursor and restores the settings. Idempotent.
    public func restore() {
        guard isActive else { return }
        isActive = false
        restoreTerminalNow()
        for signal in Self.restoringSignals + [SIGWINCH, SIGTSTP] { Glibc.signal(signal, SIG_DFL) }
        close(terminalWakeRead)
        close(terminalWakeWrite)
        (terminalWakeRead, terminalWakeWrite) = (-1, -1)
    }

    /// What `readInput` saw.
    public enum Input: Sendable, Equatable {
        case bytes([UInt8])
        case timeout
        /// The window changed size: re-read it and redraw.
        case resized
        /// Standard input was closed (the terminal went away).
        case closed
    }

    /// Waits up to `timeoutMilliseconds` for key presses or a resize.
    public func readInput(timeoutMilliseconds: Int32) -> Input {
        var descriptors = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: terminalWakeRead, events: Int16(POLLIN), revents: 0)
        ]
        let ready = poll(&descriptors, 2, max(timeoutMilliseconds, 0))
        if ready <= 0 { return .timeout }
        if descriptors[1].revents & Int16(POLLIN) != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            while drain.withUnsafeMutableBytes({ read(terminalWakeRead, $0.baseAddress, $0.count) }) > 0 {}
            return .resized
        }
        let descriptor = descriptors[0]
        if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 && descriptor.revents & Int16(POLLIN) == 0 {
            return .closed
        }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
        if count == 0 { return .closed }
        if count < 0 { return errno == EINTR || errno == EAGAIN ? .timeout : .closed }
        return .bytes(Array(buffer.prefix(count)))
    }

    /// Replaces the screen with `lines` in one write: home, each line then clear-to-end,
    /// then clear below. No full clear, so a redraw does not flicker.
    public func draw(_ lines: [TerminalLine], width: Int) {
        var output = "\u{1B}[H"
        for (index, line) in lines.enumerated() {
            switch line.emphasis {
            case .normal: output += line.text
            case .heading, .selected:
                let padding = max(width - line.text.count, 0)
                output += "\u{1B}[7m" + line.text + String(repeating: " ", count: padding) + "\u{1B}[0m"
            case .alert: output += "\u{1B}[1;31m" + line.text + "\u{1B}[0m"
            }
            output += "\u{1B}[K"
            if index < lines.count - 1 { output += "\r\n" }
        }
        output += "\u{1B}[J"
        Self.write(output)
    }

    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { _ = try? SystemCall.writeAll(STDOUT_FILENO, UnsafeRawBufferPointer($0)) }
    }
}

// The signal handlers can reach only globals: C function pointers capture nothing.
// Written before the handlers are installed and read only by them, hence `unsafe`.
nonisolated(unsafe) private var terminalSavedSettings = termios()
nonisolated(unsafe) private var terminalRawSettings = termios()
nonisolated(unsafe) private var terminalIsRaw: sig_atomic_t = 0
nonisolated(unsafe) private var terminalWakeRead: Int32 = -1
nonisolated(unsafe) private var terminalWakeWrite: Int32 = -1
/// Alternate screen on, cursor hidden, cursor home. Pre-built: the SIGCONT path writes it.
private let enterBytes: [UInt8] = Array("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J".utf8)
/// Attributes reset, cursor shown, alternate screen off. Pre-built: a handler cannot allocate.
private let leaveSequence: [UInt8] = Array("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l".utf8)

/// Async-signal-safe: tcsetattr and write only.
private func restoreTerminalNow() {
    guard terminalIsRaw != 0 else { return }
    terminalIsRaw = 0
    leaveSequence.withUnsafeBytes { _ = try? SystemCall.writeAll(STDOUT_FILENO, $0) }
    tcsetattr(STDIN_FILENO, TCSANOW, &terminalSavedSettings)
}

private func restoreAndReraise(_ signal: Int32) {
    restoreTerminalNow()
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}

/// SIGTSTP: restore, stop for real (default action, unblocked inside this handler), and on
/// SIGCONT take the terminal again and wake the loop to redraw. Async-signal-safe calls only.
private func suspendUntilContinued(_ signal: Int32) {
    let savedErrno = errno
    restoreTerminalNow()
    Glibc.signal(SIGTSTP, SIG_DFL)
    var stopSignal = sigset_t()
    sigemptyset(&stopSignal)
    sigaddset(&stopSignal, SIGTSTP)
    sigprocmask(SIG_UNBLOCK, &stopSignal, nil)
    raise(SIGTSTP)
    // Continued (fg).
    Glibc.signal(SIGTSTP, suspendUntilContinued)
    tcsetattr(STDIN_FILENO, TCSANOW, &terminalRawSettings)
    terminalIsRaw = 1
    enterBytes.withUnsafeBytes { _ = try? SystemCall.writeAll(STDOUT_FILENO, $0) }
    noteResize(signal)
    errno = savedErrno
}

/// Async-signal-safe: one write to a non-blocking pipe (a full pipe already has a wake-up).
private func noteResize(_ signal: Int32) {
    let savedErrno = errno
    var byte: UInt8 = 1
    _ = Glibc.write(terminalWakeWrite, &byte, 1)
    errno = savedErrno
}
