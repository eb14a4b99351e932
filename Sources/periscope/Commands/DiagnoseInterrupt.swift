#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Ctrl-C during a diagnosis window ends the window early instead of losing it: the first
/// SIGINT (or SIGTERM) sets a flag the recorder polls and restores the default action, so a
/// second one kills as usual. Nothing of the kernel's needs undoing (the probe's file is
/// already unlinked), so the default action is safe.
enum DiagnoseInterrupt {
    private static let received = Atomic<Bool>(false)

    /// Installs the handlers.
    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { number in
                DiagnoseInterrupt.received.store(true, ordering: .relaxed)
                signal(number, SIG_DFL)
            }
        }
    }

    /// Restores the default actions.
    static func remove() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// True once a signal arrived.
    static var wasReceived: Bool { received.load(ordering: .relaxed) }
}
