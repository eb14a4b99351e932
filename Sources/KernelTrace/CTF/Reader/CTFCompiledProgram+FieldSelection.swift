extension CTFCompiledProgram {
    /// This program with its fixed runs loading only the slots in `wanted` (and the sequence
    /// lengths and variant tags the program reads itself), for a consumer that reads few of an
    /// event's fields: Periscope's CTF events carry a twelve-field context (seven namespace
    /// inodes) that an analysis mostly ignores. Offsets, bounds checks and errors are the same
    /// as the full program's; only the stores of unread slots are dropped, so those slots keep
    /// whatever an earlier event left there. Returns `self` when nothing can be dropped.
    func decoding(only wanted: [Int]) -> CTFCompiledProgram {
        var keep = [Bool](repeating: false, count: slotCount)
        for slot in wanted where slot >= 0 && slot < slotCount { keep[slot] = true }
        for op in ops {
            switch op.kind {
            case .byteSequence, .integerSequence, .compoundSequence:
                if op.count >= 0 && Int(op.count) < slotCount { keep[Int(op.count)] = true }
            default: break
            }
        }
        for variant in variants where variant.tagSlot < slotCount { keep[variant.tagSlot] = true }
        let dropsLoad = fixedLoads.contains { !keep[Int($0.slot)] }
        let dropsOther = fixedOthers.contains { !keep[Int(fixedFields[Int($0)].slot)] }
        guard dropsLoad || dropsOther else { return self }

        var selectedOps = ops
        var loads: [CTFFixedLoad] = []
        var others: [Int32] = []
        for index in selectedOps.indices where selectedOps[index].kind == .fixedRun {
            let op = selectedOps[index]
            let loadStart = Int32(loads.count), otherStart = Int32(others.count)
            loads += fixedLoads[Int(op.loadStart)..<Int(op.loadEnd)].filter { keep[Int($0.slot)] }
            others += fixedOthers[Int(op.otherStart)..<Int(op.otherEnd)].filter {
                keep[Int(fixedFields[Int($0)].slot)]
            }
            selectedOps[index].loadStart = loadStart
            selectedOps[index].loadEnd = Int32(loads.count)
            selectedOps[index].otherStart = otherStart
            selectedOps[index].otherEnd = Int32(others.count)
        }
        return CTFCompiledProgram(
            ops: selectedOps, mainLength: mainLength, variants: variants, variantOptions: variantOptions,
            fixedFields: fixedFields, fixedLoads: loads, fixedOthers: others, compounds: compounds, fields: fields,
            mappedClocks: mappedClocks)
    }
}
