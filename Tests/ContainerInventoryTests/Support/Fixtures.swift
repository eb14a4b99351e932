import ContainerInventory
import Foundation

/// The fixture trees in Tests/Fixtures, found from this file's path (no SwiftPM resources).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // ContainerInventoryTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures").path

    static func path(_ layout: String, _ relativePath: String = "") -> String {
        relativePath.isEmpty ? "\(root)/\(layout)" : "\(root)/\(layout)/\(relativePath)"
    }

    /// Options that read everything from the fixture: its proc tree, its runtime state files,
    /// and a Docker socket that does not exist (so Docker falls back to config.v2.json).
    static func options(_ layout: String, includeProcesses: Bool = false) -> InventoryOptions {
        var options = InventoryOptions()
        options.procRoot = path(layout, "proc")
        options.dockerSocket = path(layout, "run/docker.sock")
        options.dockerDataRoot = path(layout, "var/lib/docker")
        options.containerdTaskRoot = path(layout, "run/containerd/io.containerd.runtime.v2.task")
        options.crioStorageRoot = path(layout, "var/lib/containers/storage/overlay-containers")
        options.podmanStorage = path(layout, "var/lib/containers/storage/overlay-containers/containers.json")
        options.resolveHostnames = false
        options.includeProcesses = includeProcesses
        return options
    }

    static func scan(_ layout: String, includeProcesses: Bool = false) throws -> InventorySnapshot {
        try InventoryScanner(options: options(layout, includeProcesses: includeProcesses)).scan()
    }
}

/// The ids the fixture generator used (SHA-256 of a label).
enum FixtureIDs {
    static let dockerWeb = "6ae6eb0e554ab4c80a7873a8c2102e023e67adde4359df07cfca8c3592e5997a"
    static let dockerDB = "6ee3098b79d69e1dac3e25a83161dc9f9192eb83b0277e0e2f5ac108ce640612"
    static let dindOuter = "722f492d80eb49798978f1d2d9fc11d1058d385993c83c1f5d915571bd76a8b6"
    static let dindInner = "0cb38b985abe51c2bc7b19152832037b3c8257e9a51344a11a3638428e38d43e"
    static let k8sSandbox = "91b0d7aed4d471c951c50460eead10c0fa6ac16014a0fd735ea445d2cc5d1c99"
    static let k8sApp = "6790b7877823391f99cd9ae7958bb4dbd9c216d798ad41ae367b15a834b981f0"
    static let k8sBestEffort = "a975d3a8f975d724de3feac9e6da4aeaaaffc43781ae8060795b7f7558e21d71"
    static let k8sGuaranteed = "1e8b439e53006e85d455c0e9bbcc5266f62c5e99ba23e881e3f1a1f26bad544d"
    static let crioRedis = "9d5128d60fc8700442dedc0ff1aee26728830447b2144dc9851f3f6b1c9695be"
    static let podmanCache = "1d2a774bec31ee65df0d02e37aeb1285f03a272feed8fb7dd6dcdc5321a18aa2"
}
