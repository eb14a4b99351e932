import ArgumentParser
import ContainerInventory
import Foundation
import Logging

/// Options every inventory-backed command shares.
struct InventorySourceOptions: ParsableArguments {
    @Option(help: "The Docker Engine API socket.")
    var dockerSocket: String = "/var/run/docker.sock"

    @Flag(help: "Do not ask runtimes for names and images (cgroup paths and namespaces only).")
    var noRuntime = false

    @Flag(name: .shortAndLong, help: "Log what each step does, on standard error.")
    var verbose = false

    func inventoryOptions(includeProcesses: Bool) -> InventoryOptions {
        var options = InventoryOptions()
        options.dockerSocket = dockerSocket
        options.queryRuntimes = !noRuntime
        options.includeProcesses = includeProcesses
        return options
    }

    /// Sets up logging to standard error and returns the command's logger.
    func makeLogger() -> Logger {
        let level: Logger.Level = verbose ? .debug : .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "periscope")
    }

    /// Scans and reports the scan's warnings on standard error.
    func scan(includeProcesses: Bool, logger: Logger) throws -> InventorySnapshot {
        let snapshot = try InventoryScanner(
            options: inventoryOptions(includeProcesses: includeProcesses), logger: logger
        ).scan()
        for warning in snapshot.warnings {
            if warning.isMinor {
                logger.debug("\(warning.description)")
            } else {
                logger.warning("\(warning.description)")
            }
        }
        logger.debug(
            "scanned \(snapshot.scannedProcessCount) processes, \(snapshot.vanishedProcessCount) exited during the scan"
        )
        return snapshot
    }
}

/// A user-facing failure: printed as `periscope: MESSAGE` on standard error with exit
/// status 1, no stack (`Periscope.main`).
struct UserFacingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func printStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
