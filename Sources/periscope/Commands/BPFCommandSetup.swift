import ArgumentParser
import BPF
import ContainerInventory

/// What runqlat, biolatency and syscount check and resolve before loading a program: the
/// privileges (refused before anything touches the kernel), the container resolver, and the
/// one container `--container` names.
enum BPFCommandSetup {
    /// The INTERVAL, COUNT and `-d` bounds the three commands share.
    static func validate(interval: Double?, count: Int?, duration: Double?) throws {
        if let interval, !(interval >= 0.1 && interval <= 86_400) {
            throw ValidationError("INTERVAL must be between 0.1 and 86400 seconds")
        }
        if let count, count < 1 { throw ValidationError("COUNT must be at least 1") }
        if let duration, !(duration > 0 && duration <= 86_400) {
            throw ValidationError("-d must be between 0 and 86400 seconds")
        }
    }

    /// Refuses without the privileges `tool` needs, then scans the containers and resolves
    /// `container` (nil: every container).
    static func prepare(
        tool: String, source: InventorySourceOptions, container: String?
    ) throws
        -> (resolver: TaskContainerResolver, only: Container?)
    {
        let privileges = BPFPrivileges.current()
        if privileges.canLoadTracingPrograms == false {
            throw UserFacingError("\(tool) loads a BPF program: \(privileges.refusalAdvice())")
        }
        let scanner = InventoryScanner(
            options: source.inventoryOptions(includeProcesses: false), logger: source.makeLogger())
        let resolver: TaskContainerResolver
        do { resolver = try TaskContainerResolver(scanner: scanner) } catch { throw UserFacingError("\(error)") }
        guard let container else { return (resolver, nil) }
        switch ContainerMatcher.resolve(container, in: resolver.snapshot) {
        case .success(let found): return (resolver, found)
        case .failure(let failure): throw UserFacingError("\(failure)")
        }
    }
}
