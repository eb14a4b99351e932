import ContainerInventory
import LinuxHost
import Reporting

/// The tables of `periscope ps`: containers with their namespaces, or every process.
package enum InventoryTables {
    /// One row for the host and one per container: its init PID outside and inside, and each
    /// namespace's inode, those shared with the host marked `*` and highlighted.
    package static func containers(_ snapshot: InventorySnapshot, fullIDs: Bool) -> TextTable {
        var table = TextTable(
            columns: [
                .init("CONTAINER"), .init("NAME"), .init("RUNTIME"), .init("PID", .right), .init("CPID", .right),
                .init("PROCS", .right), .init("PATH")
            ] + NamespaceKind.containerKinds.map { .init($0.rawValue.uppercased()) })
        for container in snapshot.hostAndContainers {
            var cells: [TextTable.Cell] = [
                .init(containerID(container, full: fullIDs)), .init(container.displayName),
                .init(container.runtime.rawValue),
                .init(container.initPID.map(String.init) ?? "-"),
                .init(container.initPIDInContainer.map(String.init) ?? "-"),
                .init(String(container.processCount)), .init(container.initCommand ?? "-")
            ]
            for kind in NamespaceKind.containerKinds {
                let shared = !container.key.isHost && container.namespacesSharedWithHost.contains(kind)
                let inode = container.namespaces[kind].map(String.init) ?? "-"
                cells.append(.init(shared ? inode + "*" : inode, highlighted: shared))
            }
            table.append(cells)
        }
        return table
    }

    /// The note under the container table when some container shares a namespace with the host.
    package static func sharedNamespaceNote(_ snapshot: InventorySnapshot) -> String? {
        snapshot.containers.contains(where: { !$0.namespacesSharedWithHost.isEmpty })
            ? "* namespace shared with the host" : nil
    }

    /// Every process with its container: `ps --processes`.
    package static func processes(_ snapshot: InventorySnapshot, fullIDs: Bool) -> TextTable {
        var table = TextTable(columns: [
            .init("PID", .right), .init("CPID", .right), .init("PPID", .right), .init("S"), .init("CONTAINER"),
            .init("NAME"), .init("COMMAND")
        ])
        let containers = Dictionary(
            snapshot.hostAndContainers.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for process in snapshot.processes {
            let container = containers[process.container]
            let command =
                process.commandLine.flatMap { $0.isEmpty ? nil : $0.joined(separator: " ") } ?? "[\(process.comm)]"
            table.append([
                String(process.pid), process.pidInContainer.map(String.init) ?? "-", String(process.parentPID),
                process.state.rawValue, container.map { containerID($0, full: fullIDs) } ?? process.container.id,
                container?.displayName ?? "-", String(command.prefix(120))
            ])
        }
        return table
    }

    private static func containerID(_ container: Container, full: Bool) -> String {
        full || container.key.isHost ? container.id : container.shortID
    }
}
