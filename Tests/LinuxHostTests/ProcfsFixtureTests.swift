import Testing
@testable import LinuxHost

@Suite("Procfs over a fixture tree")
struct ProcfsFixtureTests {
    let procfs = Procfs(root: Fixtures.procRoot("docker-cgroup-v2"))

    @Test func listsOnlyNumericEntries() throws {
        // `self` is a directory in the fixture and must not be listed.
        #expect(try procfs.processIDs() == [1, 1290, 1312, 1350])
        #expect(procfs.processExists(1312))
        #expect(!procfs.processExists(4242))
    }

    @Test func readsEveryFileOfAProcess() throws {
        let task = TaskID(pid: 1312)
        #expect(procfs.path(task, "stat") == "\(Fixtures.procRoot("docker-cgroup-v2"))/1312/stat")
        #expect(try procfs.stat(task).parentPID == 1290)
        #expect(try procfs.status(task).namespacePIDs == [1312, 1])
        #expect(
            try procfs.cgroups(task).unifiedPath
                == "/system.slice/docker-6ae6eb0e554ab4c80a7873a8c2102e023e67adde4359df07cfca8c3592e5997a.scope")
        #expect(try procfs.comm(task) == "nginx")
        #expect(
            try procfs.commandLine(TaskID(pid: 1290)) == [
                "/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id",
                "6ae6eb0e554ab4c80a7873a8c2102e023e67adde4359df07cfca8c3592e5997a", "-address",
                "/run/containerd/containerd.sock"
            ])
    }

    @Test func readsNamespaceLinks() throws {
        let namespaces = try procfs.namespaces(TaskID(pid: 1312))
        #expect(namespaces.kinds == NamespaceKind.allCases)
        #expect(namespaces[.pid] == 4026532290)
        #expect(namespaces[.pidForChildren] == 4026532290)
        #expect(namespaces[.user] == 4026531837)
        #expect(try procfs.namespaceInode(TaskID(pid: 1), .net) == 4026531833)
        let some = try procfs.namespaces(TaskID(pid: 1), kinds: [.net, .uts])
        #expect(some.kinds == [.net, .uts])
    }

    @Test func missingProcessThrowsVanished() {
        do {
            _ = try procfs.namespaces(TaskID(pid: 4242))
            Issue.record("read a missing process")
        } catch {
            #expect(error.isVanished)
        }
        #expect(throws: HostReadError.self) { try procfs.threadIDs(of: 1312) }
    }

    @Test func malformedNamespaceLink() {
        let malformed = Procfs(root: Fixtures.procRoot("malformed"))
        do {
            _ = try malformed.namespaceInode(TaskID(pid: 45), .pid)
            Issue.record("parsed pid:[not-a-number]")
        } catch {
            #expect(error.malformedReason == "not a namespace link")
        }
    }

    @Test(arguments: [
        (TaskID(pid: 7), "7", "7", true),
        (TaskID(pid: 7, tid: 9), "7/task/9", "7/9", false),
        (TaskID(pid: 7, tid: 7), "7", "7", true)
    ])
    func taskIDComponents(task: TaskID, component: String, description: String, isMain: Bool) {
        #expect(task.procfsComponent == component)
        #expect(task.description == description)
        #expect(task.isMainThread == isMain)
    }
}
