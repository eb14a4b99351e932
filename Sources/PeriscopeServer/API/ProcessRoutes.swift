import ContainerInventory
import Foundation
import Hummingbird
import LinuxHost
#if canImport(Glibc)
import Glibc
#endif

/// `GET /api/v1/processes?container=C`: the container's processes now, as `periscope ps` sees
/// them: host PID, PID inside, command, state, threads, resident memory and CPU seconds used
/// so far (the web UI turns two answers into a rate).
struct ProcessRoutes: AgentRouteGroup {
    var inventory = InventoryOptions()

    struct ProcessList: Encodable {
        var container: String
        var containerKey: String
        var unixTimeSeconds: Double
        var processes: [Entry]
    }

    struct Entry: Encodable {
        var pid: Int32
        var pidInContainer: Int32?
        var parentPID: Int32
        var startTimeTicks: UInt64
        var command: String
        var state: String
        var threads: Int64?
        var residentBytes: UInt64?
        var cpuSeconds: Double
    }

    func addRoutes(to router: Router<AgentRequestContext>) {
        router.get("/api/v1/processes") { request, _ -> Response in
            guard let query = request.uri.queryParameters["container"].map(String.init), !query.isEmpty else {
                throw HTTPError(
                    .badRequest, message: "give container=NAME|KEY|ID-PREFIX (GET /api/v1/inventory lists them)")
            }
            // A scan reads every /proc/PID/stat: off the event loop.
            let routes = self
            let processes = try await Task.detached { () throws -> ProcessList in try routes.list(query) }.value
            return try JSONResponse.make(processes)
        }
    }

    func list(_ query: String) throws -> ProcessList {
        let snapshot: InventorySnapshot
        do { snapshot = try InventoryScanner(options: inventory).scan() } catch {
            throw HTTPError(.serviceUnavailable, message: "cannot list processes: \(error)")
        }
        let container: Container
        if let keyed = snapshot.containers.first(where: { $0.key.description == query }) {
            container = keyed
        } else {
            switch ContainerMatcher.resolve(query, in: snapshot) {
            case .failure(let failure): throw HTTPError(.notFound, message: failure.description)
            case .success(let found): container = found
            }
        }
        let procfs = Procfs(root: inventory.procRoot)
        let pageBytes = UInt64(getpagesize())
        let ticks = Double(HostSystem.clockTicksPerSecond)
        var entries: [Entry] = []
        for process in snapshot.processes where process.container == container.key {
            let task = TaskID(pid: process.pid)
            // A process that exits between the scan and these reads keeps its scanned fields;
            // a PID reused meanwhile is not this process.
            let stat = try? procfs.stat(task)
            if let stat, stat.startTimeTicks != process.startTimeTicks { continue }
            let status = try? procfs.status(task)
            entries.append(
                Entry(
                    pid: process.pid, pidInContainer: status?.namespacePIDs.last, parentPID: process.parentPID,
                    startTimeTicks: process.startTimeTicks, command: process.comm, state: process.state.description,
                    threads: stat?.threadCount,
                    residentBytes: stat.map { UInt64(max(0, $0.residentPages)) * pageBytes },
                    cpuSeconds: Double(process.userTimeTicks + process.systemTimeTicks) / ticks))
        }
        return ProcessList(
            container: container.displayName, containerKey: container.key.description,
            unixTimeSeconds: Date().timeIntervalSince1970, processes: entries.sorted { $0.pid < $1.pid })
    }
}
