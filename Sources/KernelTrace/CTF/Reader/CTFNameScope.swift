/// The raw TSDL names of one structure level that length and tag references can name, with
/// their slots; a later name hides an earlier equal one.
///
/// Kept as a list, and indexed only when a reference is first resolved in it: most LTTng event
/// classes (syscalls) have no sequence or variant, and hashing every field's name of ~1,200
/// classes was a visible part of reading the metadata.
struct CTFNameScope {
    private var names: [(name: String, slot: Int)] = []
    private var index: [String: Int]?

    mutating func add(_ name: String, slot: Int) {
        names.append((name, slot))
        index?[name] = slot
    }

    mutating func slot(named name: String) -> Int? {
        if index == nil {
            var built: [String: Int] = [:]
            for entry in names { built[entry.name] = entry.slot }
            index = built
        }
        return index?[name]
    }
}
