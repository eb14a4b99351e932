import ContainerInventory
import Testing
@testable import Profiling

/// What the inventory reads to attribute samples: only a container target needs each
/// container's init process (its cgroups scope the events); no target needs hostnames.
@Suite("Inventory options for attribution")
struct AttributionOptionsTests {
    @Test(
        arguments: [
            (ProfileTarget.all, false), (.processes([1]), false), (.containers(["web"]), true)
        ])
    func readsOnlyWhatTheTargetNeeds(target: ProfileTarget, readsInits: Bool) {
        var options = InventoryOptions()
        options.procRoot = "/fixture/proc"
        let attribution = options.forAttribution(of: target)
        #expect(attribution.readInitProcesses == readsInits)
        #expect(!attribution.resolveHostnames)
        #expect(attribution.procRoot == "/fixture/proc")
        #expect(attribution.queryRuntimes)
    }
}
