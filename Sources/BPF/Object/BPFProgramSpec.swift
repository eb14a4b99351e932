/// A program of the object: one executable section, named for where it attaches.
package struct BPFProgramSpec: Sendable, Equatable {
    /// A map reference to patch: the `ld_imm64` at instruction `instructionIndex` loads map `mapName`.
    package struct MapReference: Sendable, Equatable {
        package var instructionIndex: Int
        package var mapName: String
    }

    /// The function's name in the C source.
    package var name: String
    /// The ELF section, e.g. `tracepoint/sched/sched_switch`.
    package var sectionName: String
    /// The instructions, 8 bytes each, before map relocation.
    package var instructions: [UInt8]
    package var mapReferences: [MapReference]

    /// `(subsystem, event)` when the section is `tracepoint/<subsystem>/<event>` (or `tp/...`).
    package var tracepoint: (subsystem: String, event: String)? {
        let parts = sectionName.split(separator: "/")
        guard parts.count == 3, parts[0] == "tracepoint" || parts[0] == "tp" else { return nil }
        return (String(parts[1]), String(parts[2]))
    }
}
