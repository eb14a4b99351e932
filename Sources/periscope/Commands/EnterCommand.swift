import ArgumentParser
import ContainerInventory
import LinuxHost

struct EnterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enter",
        abstract: "Run a host command inside a container's namespaces (nsenter for containers).",
        discussion: """
            The container is a name, an id or id prefix, or any host PID of one of its processes. \
            The command is looked up in the container's PATH when the mount namespace is joined. \
            Like nsenter, this bypasses the container's cgroup limits and seccomp profile: the \
            command runs with Periscope's privileges. Needs root.

            Exit status: the command's own; 127 when it is not found in the container, 126 \
            when it is found but cannot run (as nsenter and shells); 1 when the namespaces \
            cannot be joined.

            Examples:
              periscope enter web -- hostname
              periscope enter web --ns net -- ss -tn    (host binary, container network)
              periscope enter 28321 --ns mnt,pid -- top
            """
    )

    @OptionGroup var source: InventorySourceOptions

    @Argument(help: "Container name, id (prefix), or host PID.")
    var target: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Namespaces to join, comma-separated, or 'all'.", valueName: "mnt,uts,ipc,net,pid,cgroup,user,time"))
    var ns: String = "mnt,uts,ipc,net,pid,cgroup"

    @Argument(parsing: .postTerminator, help: "The command to run (default: /bin/sh).")
    var command: [String] = []

    func validate() throws {
        _ = try parsedKinds()
    }

    func parsedKinds() throws -> [NamespaceKind] {
        if ns == "all" { return NamespaceKind.joinable }
        var kinds: [NamespaceKind] = []
        for name in ns.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let normalized = name == "mount" ? "mnt" : name == "network" ? "net" : name
            guard let kind = NamespaceKind(rawValue: normalized), NamespaceKind.joinable.contains(kind) else {
                throw ValidationError(
                    "unknown namespace '\(name)'; choose from \(NamespaceKind.joinable.map(\.rawValue).joined(separator: ", ")) or 'all'"
                )
            }
            kinds.append(kind)
        }
        if kinds.isEmpty { throw ValidationError("--ns names no namespace") }
        return kinds
    }

    func run() throws {
        let logger = source.makeLogger()
        let pid: Int32
        if let number = Int32(target), Procfs().processExists(number) {
            pid = number
        } else {
            let snapshot = try source.scan(includeProcesses: false, logger: logger)
            switch ContainerMatcher.resolve(target, in: snapshot) {
            case .failure(let failure):
                throw UserFacingError(failure.description)
            case .success(let container):
                guard let initPID = container.initPID else {
                    throw UserFacingError("container \(container.displayName) has no running process to enter")
                }
                pid = initPID
            }
        }
        do {
            let status = try NamespaceEntry(targetPID: pid, kinds: try parsedKinds()).run(
                command.isEmpty ? ["/bin/sh"] : command)
            throw ExitCode(status)
        } catch let failure as NamespaceEntry.Failure {
            printStandardError("periscope: \(failure.description)")
            throw ExitCode(failure.exitStatus)
        }
    }
}
