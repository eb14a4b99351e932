import ContainerInventory

/// `ps --json`: the containers (host first) and the scan's health.
package struct ContainerListing: Encodable {
    var hostname: String
    var kernelRelease: String
    var cgroupMode: String
    var containers: [Container]
    var scannedProcessCount: Int
    var vanishedProcessCount: Int
    var warnings: [String]

    package init(snapshot: InventorySnapshot) {
        hostname = snapshot.hostname
        kernelRelease = snapshot.kernelRelease
        cgroupMode = snapshot.cgroupMode.rawValue
        containers = snapshot.hostAndContainers
        scannedProcessCount = snapshot.scannedProcessCount
        vanishedProcessCount = snapshot.vanishedProcessCount
        warnings = snapshot.warnings.map(\.description)
    }
}

/// `ps --processes --json`: every process with its container's key and name.
package struct ProcessListing: Encodable {
    struct Row: Encodable {
        var process: InventoryProcess
        var containerName: String?
    }
    var processes: [Row]
    var vanishedProcessCount: Int
    var warnings: [String]

    package init(snapshot: InventorySnapshot) {
        let names = Dictionary(
            snapshot.hostAndContainers.map { ($0.key, $0.displayName) }, uniquingKeysWith: { first, _ in first })
        processes = snapshot.processes.map { Row(process: $0, containerName: names[$0.container]) }
        vanishedProcessCount = snapshot.vanishedProcessCount
        warnings = snapshot.warnings.map(\.description)
    }
}
