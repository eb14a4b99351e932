import ContainerInventory

/// Images and labels of the containers the recorder sees, asked of the runtimes once per
/// container: one lookup each for a few new containers, one listing scan when many appear at
/// once (the first sample, a deployment). Not thread-safe: the recording thread owns it.
final class ContainerMetadataCache {
    private let lookup: RuntimeMetadataLookup
    private let listing: InventoryScanner
    private var known: [String: RuntimeMetadata?] = [:]

    /// More new containers than this in one sample are named by one listing scan.
    static let singleLookupLimit = 8

    init(options: InventoryOptions) {
        var listingOptions = options
        listingOptions.includeProcesses = false
        lookup = RuntimeMetadataLookup(options: options)
        listing = InventoryScanner(options: listingOptions)
    }

    /// The metadata of `keys`, asking the runtimes about the ones not seen before; forgets
    /// containers no longer in `keys`.
    func metadata(for keys: [String]) -> [String: RuntimeMetadata] {
        let unknown = keys.filter { known[$0] == nil }
        if unknown.count > Self.singleLookupLimit, let snapshot = try? listing.scan() {
            for container in snapshot.containers where container.name != nil || container.image != nil {
                var metadata = RuntimeMetadata(
                    name: container.name, image: container.image, labels: container.labels,
                    source: container.metadataSource)
                metadata.podName = container.pod?.name
                metadata.podNamespace = container.pod?.namespace
                metadata.kubernetesContainerName = container.pod?.containerName
                known[container.key.description] = .some(metadata)
            }
        }
        for key in unknown where known[key] == nil {
            known[key] = .some(ContainerKeyText.parse(key).flatMap { lookup.metadata(for: $0) })
        }
        let live = Set(keys)
        for key in known.keys where !live.contains(key) { known[key] = nil }
        var result: [String: RuntimeMetadata] = [:]
        for key in keys { if let metadata = known[key] ?? nil { result[key] = metadata } }
        return result
    }
}

/// `runtime:id` back to a typed key (the observation window carries keys as text).
enum ContainerKeyText {
    static func parse(_ text: String) -> ContainerKey? {
        guard let colon = text.firstIndex(of: ":"), let runtime = ContainerRuntime(rawValue: String(text[..<colon]))
        else { return nil }
        let id = String(text[text.index(after: colon)...])
        return id.isEmpty ? nil : ContainerKey(runtime: runtime, id: id)
    }
}
