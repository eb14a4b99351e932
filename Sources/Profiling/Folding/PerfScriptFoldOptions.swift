/// What `periscope fold` puts in each folded stack, named after the options of FlameGraph's
/// `stackcollapse-perf.pl` so that users can swap one for the other.
package struct PerfScriptFoldOptions: Sendable, Equatable {
    /// `--pid`: the root frame is `comm-PID` (`comm-?` when `perf script` printed no PID).
    package var includePID = false
    /// `--tid`: the root frame is `comm-PID/TID`; wins over `includePID`.
    package var includeTID = false
    /// `--kernel`: kernel frames (dso `[...]` or `*vmlinux`) end in `_[k]`.
    package var annotateKernel = false
    /// `--jit`: frames from `/tmp/perf-PID.map` end in `_[j]`.
    package var annotateJIT = false
    /// `--addrs`: an unknown frame shows its address, `[dso <addr>]`.
    package var includeAddresses = false
    /// `--event-filter`: only samples of this event; nil keeps the first event seen, as
    /// merging cycles with instructions would mislead.
    package var eventFilter: String?

    package init(
        includePID: Bool = false, includeTID: Bool = false, annotateKernel: Bool = false,
        annotateJIT: Bool = false, includeAddresses: Bool = false, eventFilter: String? = nil
    ) {
        self.includePID = includePID
        self.includeTID = includeTID
        self.annotateKernel = annotateKernel
        self.annotateJIT = annotateJIT
        self.includeAddresses = includeAddresses
        self.eventFilter = eventFilter
    }

    /// `--all`: every annotation (`--kernel --jit`).
    package var annotateAll: Bool {
        get { annotateKernel && annotateJIT }
        set { annotateKernel = newValue; annotateJIT = newValue }
    }
}
