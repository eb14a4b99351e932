import CLinuxSupport
#if canImport(Glibc)
import Glibc
#endif

/// A map created in the kernel, owned through its descriptor: closing it (or exiting, even by
/// SIGKILL) frees the map once no loaded program uses it.
package final class BPFMap {
    package let spec: BPFMapSpec
    /// The map's descriptor; -1 once closed.
    package private(set) var descriptor: Int32

    /// BPF_MAP_CREATE from the object's definition.
    init(_ spec: BPFMapSpec) throws(BPFError) {
        let fd = periscope_bpf_map_create(
            spec.type, spec.keyByteCount, spec.valueByteCount, spec.maximumEntries, spec.flags, spec.name)
        guard fd >= 0 else { throw .systemCall("bpf(BPF_MAP_CREATE \(spec.name))", -fd) }
        self.spec = spec
        self.descriptor = fd
    }

    deinit { close() }

    /// Closes the descriptor (idempotent).
    package func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }

    /// The value of `key`, nil when absent (BPF_MAP_LOOKUP_ELEM).
    package func value(forKey key: [UInt8]) throws(BPFError) -> [UInt8]? {
        try checkKey(key)
        var value = [UInt8](repeating: 0, count: Int(spec.valueByteCount))
        let result = key.withUnsafeBytes { key in
            value.withUnsafeMutableBytes { periscope_bpf_map_lookup_elem(descriptor, key.baseAddress, $0.baseAddress) }
        }
        if result == -ENOENT { return nil }
        guard result == 0 else { throw .systemCall("bpf(BPF_MAP_LOOKUP_ELEM \(spec.name))", -result) }
        return value
    }

    /// Sets `key` to `value` (BPF_MAP_UPDATE_ELEM, BPF_ANY).
    package func update(key: [UInt8], value: [UInt8]) throws(BPFError) {
        try checkKey(key)
        guard value.count == Int(spec.valueByteCount) else {
            throw .systemCall(
                operation: "update of \(spec.name)", errorNumber: EINVAL,
                advice: "value of \(value.count) bytes, the map holds \(spec.valueByteCount)")
        }
        let result = key.withUnsafeBytes { key in
            value.withUnsafeBytes { periscope_bpf_map_update_elem(descriptor, key.baseAddress, $0.baseAddress, 0) }
        }
        guard result == 0 else { throw .systemCall("bpf(BPF_MAP_UPDATE_ELEM \(spec.name))", -result) }
    }

    /// Removes `key`; false when it was absent (BPF_MAP_DELETE_ELEM).
    @discardableResult
    package func delete(key: [UInt8]) throws(BPFError) -> Bool {
        try checkKey(key)
        let result = key.withUnsafeBytes { periscope_bpf_map_delete_elem(descriptor, $0.baseAddress) }
        if result == -ENOENT { return false }
        guard result == 0 else { throw .systemCall("bpf(BPF_MAP_DELETE_ELEM \(spec.name))", -result) }
        return true
    }

    /// Every key present now (BPF_MAP_GET_NEXT_KEY from the start). Keys added while iterating
    /// may or may not be listed; a key deleted meanwhile restarts nothing (the kernel continues
    /// from the first key of the next bucket).
    package func keys() throws(BPFError) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        var current: [UInt8]?
        var next = [UInt8](repeating: 0, count: Int(spec.keyByteCount))
        while keys.count <= Int(spec.maximumEntries) {
            let result: Int32
            if let key = current {
                result = key.withUnsafeBytes { key in
                    next.withUnsafeMutableBytes {
                        periscope_bpf_map_get_next_key(descriptor, key.baseAddress, $0.baseAddress)
                    }
                }
            } else {
                result = next.withUnsafeMutableBytes { periscope_bpf_map_get_next_key(descriptor, nil, $0.baseAddress) }
            }
            if result == -ENOENT { break }
            guard result == 0 else { throw .systemCall("bpf(BPF_MAP_GET_NEXT_KEY \(spec.name))", -result) }
            keys.append(next)
            current = next
        }
        return keys
    }

    /// Reads and deletes every entry: the interval's counts, the map left empty for the next.
    ///
    /// Each key is read then deleted; an event that lands on that key between the two system
    /// calls (a few microseconds) is lost, as with bcc's `dist.clear()`.
    package func drain() throws(BPFError) -> [(key: [UInt8], value: [UInt8])] {
        var entries: [(key: [UInt8], value: [UInt8])] = []
        for key in try keys() {
            guard let value = try value(forKey: key) else { continue }
            try delete(key: key)
            entries.append((key, value))
        }
        return entries
    }

    private func checkKey(_ key: [UInt8]) throws(BPFError) {
        guard descriptor >= 0 else {
            throw .systemCall(operation: "map \(spec.name)", errorNumber: EBADF, advice: "the map is closed")
        }
        guard key.count == Int(spec.keyByteCount) else {
            throw .systemCall(
                operation: "map \(spec.name)", errorNumber: EINVAL,
                advice: "key of \(key.count) bytes, the map's keys have \(spec.keyByteCount)")
        }
    }
}
