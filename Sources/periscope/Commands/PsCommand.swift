import ArgumentParser
import ContainerInventory
import LinuxHost
import Reporting

struct PsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List containers with their init PID and namespaces (or every process with --processes).",
        discussion: """
            One row for the host and one per container, like the dockerpsns.sh of "Container \
            Performance Analysis": the container's init process as a host PID and as the PID it \
            has inside the container (CPID), and the inode of each namespace. Namespaces the \
            container shares with the host are marked with '*' (and red on a terminal): those are \
            not isolated. Containers are recognised from cgroup paths (Docker, containerd/Kubernetes, \
            CRI-O, Podman, LXC, systemd-nspawn); any other process in its own PID namespace is an \
            unnamed container. Reads /proc only; changes nothing.
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Flag(help: "List every process with its container instead of one row per container.")
    var processes = false

    @Flag(help: "Show full container ids.")
    var noTrunc = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let logger = source.makeLogger()
        let snapshot = try source.scan(includeProcesses: processes, logger: logger)
        if json {
            if processes {
                print(try JSONOutput.encode(ProcessListing(snapshot: snapshot)))
            } else {
                print(try JSONOutput.encode(ContainerListing(snapshot: snapshot)))
            }
            return
        }
        let style = TerminalStyle.standardOutput
        print(processes ? processTable(snapshot).render(style: style) : containerTable(snapshot).render(style: style), terminator: "")
        if !processes, snapshot.containers.contains(where: { !$0.namespacesSharedWithHost.isEmpty }) {
            print("* namespace shared with the host")
        }
    }

    private func containerID(_ container: Container) -> String {
        noTrunc || container.key.isHost ? container.id : container.shortID
    }

    private func containerTable(_ snapshot: InventorySnapshot) -> TextTable {
        var table = TextTable(columns: [
            .init("CONTAINER"), .init("NAME"), .init("RUNTIME"), .init("PID", .right), .init("CPID", .right),
            .init("PROCS", .right), .init("PATH"),
        ] + NamespaceKind.containerKinds.map { .init($0.rawValue.uppercased()) })
        for container in snapshot.hostAndContainers {
            var cells: [TextTable.Cell] = [
                .init(containerID(container)), .init(container.displayName), .init(container.runtime.rawValue),
                .init(container.initPID.map(String.init) ?? "-"), .init(container.initPIDInContainer.map(String.init) ?? "-"),
                .init(String(container.processCount)), .init(container.initCommand ?? "-"),
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

    private func processTable(_ snapshot: InventorySnapshot) -> TextTable {
        var table = TextTable(columns: [
            .init("PID", .right), .init("CPID", .right), .init("PPID", .right), .init("S"), .init("CONTAINER"),
            .init("NAME"), .init("COMMAND"),
        ])
        let containers = Dictionary(snapshot.hostAndContainers.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for process in snapshot.processes {
            let container = containers[process.container]
            let command = process.commandLine.flatMap { $0.isEmpty ? nil : $0.joined(separator: " ") } ?? "[\(process.comm)]"
            table.append([
                String(process.pid), process.pidInContainer.map(String.init) ?? "-", String(process.parentPID),
                process.state.rawValue, container.map(containerID) ?? process.container.id,
                container?.displayName ?? "-", String(command.prefix(120)),
            ])
        }
        return table
    }
}

/// `ps --json`: the containers (host first) and the scan's health.
struct ContainerListing: Encodable {
    var hostname: String
    var kernelRelease: String
    var cgroupMode: String
    var containers: [Container]
    var scannedProcessCount: Int
    var vanishedProcessCount: Int
    var warnings: [String]

    init(snapshot: InventorySnapshot) {
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
struct ProcessListing: Encodable {
    struct Row: Encodable {
        var process: InventoryProcess
        var containerName: String?
    }
    var processes: [Row]
    var vanishedProcessCount: Int
    var warnings: [String]

    init(snapshot: InventorySnapshot) {
        let names = Dictionary(snapshot.hostAndContainers.map { ($0.key, $0.displayName) }, uniquingKeysWith: { first, _ in first })
        processes = snapshot.processes.map { Row(process: $0, containerName: names[$0.container]) }
        vanishedProcessCount = snapshot.vanishedProcessCount
        warnings = snapshot.warnings.map(\.description)
    }
}
