import KernelTrace

/// The presets for `--help`, built from the library's table so they cannot drift.
enum EventPresetHelp {
    static var text: String { EventPreset.helpList }
}
