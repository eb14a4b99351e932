import Testing
@testable import ContainerInventory
import LinuxHost

/// `profile --all` scans without reading each container's init process in full: the containers,
/// their names and every process's placement must be those of a full scan.
@Suite("InventoryScanner without init processes")
struct InitProcessesSkippedTests {
    @Test(arguments: [
        "docker-cgroup-v2", "docker-cgroupfs-hybrid", "docker-systemd-v1", "kubernetes-cgroupfs",
        "kubernetes-systemd", "crio", "podman", "lxc", "systemd-nspawn", "unnamed-pidns"
    ])
    func samePlacementAndNames(layout: String) throws {
        let full = try Fixtures.scan(layout)
        var options = Fixtures.options(layout)
        options.readInitProcesses = false
        let light = try InventoryScanner(options: options).scan()
        #expect(light.containers.map(\.key) == full.containers.map(\.key))
        #expect(light.containers.map(\.displayName) == full.containers.map(\.displayName))
        #expect(
            InventoryScannerTests.placement(light) == InventoryScannerTests.placement(full))
        // What was skipped: the init's namespaces and cgroups.
        #expect(light.containers.allSatisfy { $0.namespaces.isEmpty && $0.cgroups == nil })
    }
}
