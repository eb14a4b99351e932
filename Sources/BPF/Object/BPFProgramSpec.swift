/// A program of the object: one executable section, named for where it attaches.
public struct BPFProgramSpec: Sendable, Equatable {
    /// A map reference to patch: the `ld_imm64` at instruction `instructionIndex` loads map `mapName`.
    public struct MapReference: Sendable, Equatable {
        public var instructionIndex: Int
        public var mapName: String
    }

    /// The function's name in the C source.
    public var name: String
    /// The ELF section, e.g. `tracepoint/sched/sched_switch`.
    public var sectionName: String
    /// The instructions, 8 bytes each, before map relocation.
    public var instructions: [UInt8]
    public var mapReferences: [MapReference]

    /// `(subsystem, event)` when the section is `tracepoint/<subsystem>/<event>` (or `tp/...`).
    public var tracepoint: (subsystem: String, event: String)? {
        let parts = sectionName.split(separator: "/")
        guard parts.count == 3, parts[0] == "tracepoint" || parts[0] == "tp" else { return nil }
        return (String(parts[1]), String(parts[2]))
    }
}
