import Profiling

/// How a flame graph is drawn; the defaults and names are those of `flamegraph.pl`.
package struct FlameGraphOptions: Sendable, Equatable {
    /// Frames narrower than this are left out (their time still counts in their parents).
    package enum MinimumWidth: Sendable, Equatable {
        /// In pixels at the unzoomed width (`--min-width 0.1`).
        case pixels(Double)
        /// In percent of all samples (`--min-width 0.5%`).
        case percent(Double)
    }

    /// The heading; nil means "Flame Graph", or "Icicle Graph" when inverted.
    package var title: String?
    /// The width of the image in pixels.
    package var imageWidth = 1200
    /// The height of one frame in pixels.
    package var frameHeight = 16
    /// The font size in pixels.
    package var fontSize = 12.0
    /// The average glyph width relative to the font size, used to fit labels in frames.
    package var fontWidth = 0.59
    /// The font family.
    package var fontFamily = "Verdana"
    /// Frames narrower than this are omitted.
    package var minimumWidth = MinimumWidth.pixels(0.1)
    /// What a count is, as shown in tooltips ("samples", "bytes", "ms").
    package var countName = "samples"
    /// The label in front of the hovered frame's details.
    package var nameType = "Function:"
    /// The colour scheme of user frames (kernel, JIT, inlined and unknown frames have their own).
    package var palette = FlameGraphPalette.hot
    /// Draw an icicle graph: roots at the top, stacks growing down.
    package var inverted = false

    package init() {}

    /// The heading that is drawn.
    package var effectiveTitle: String {
        title ?? (inverted ? "Icicle Graph" : "Flame Graph")
    }
}
