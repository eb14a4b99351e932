import ArgumentParser
import ContainerInventory
import LinuxHost
import Presentation
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
        if processes {
            print(InventoryTables.processes(snapshot, fullIDs: noTrunc).render(style: style), terminator: "")
        } else {
            print(InventoryTables.containers(snapshot, fullIDs: noTrunc).render(style: style), terminator: "")
            if let note = InventoryTables.sharedNamespaceNote(snapshot) { print(note) }
        }
    }
}
