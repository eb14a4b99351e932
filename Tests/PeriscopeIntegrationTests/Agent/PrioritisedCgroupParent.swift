import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A cgroup parent of the test's own (`--cgroup-parent=/NAME/docker`) whose CPU weight is the
/// largest v1 allows, so that a capped container reaches its cap even while the host's
/// compilers keep both CPUs busy (they run in the root cgroup, where /docker weighs as much
/// as one of them). Removed with every directory runc made for it.
final class PrioritisedCgroupParent {
    let name: String
    /// What `docker run --cgroup-parent` takes: Docker recognises `/NAME/docker/ID` as its own.
    var dockerParent: String { "/\(name)/docker" }

    init(name: String) { self.name = name }

    /// Raises the weight once a container made the directories (runc creates them at start).
    func raiseWeight() throws {
        let path = "/sys/fs/cgroup/cpu/\(name)/cpu.shares"
        try "262144".write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// Removes the parent from every hierarchy (after its containers are gone).
    func remove() {
        let hierarchies = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/fs/cgroup")) ?? []
        for hierarchy in hierarchies {
            rmdir("/sys/fs/cgroup/\(hierarchy)/\(name)/docker")
            rmdir("/sys/fs/cgroup/\(hierarchy)/\(name)")
        }
    }

    deinit { remove() }
}
