import ContainerInventory

extension RecordedStatedump {
    /// The statedump in the shared event model, for `TraceDescription`. Threads first seen by
    /// a rescan during the capture are included: they tell which container a thread born
    /// during the trace (e.g. by `docker run`) belongs to.
    public func model() -> Statedump {
        var indexByKey: [ContainerKey: Int] = [:]
        let modelContainers = containers.enumerated().map { index, container in
            indexByKey[container.key] = index
            return StatedumpContainer(
                runtime: container.runtime, id: container.id, name: container.displayName,
                pidNamespace: container.pidNamespace ?? 0)
        }
        let modelThreads = threads.map { thread in
            let namespaces = thread.namespaceInodes
            return StatedumpThread(
                tid: thread.tid, pid: thread.pid, ppid: thread.ppid, comm: thread.comm,
                namespacePIDs: thread.namespaceTIDs, namespaces: namespaces, cgroupPaths: thread.cgroups,
                containerIndex: thread.container.flatMap { indexByKey[$0] })
        }
        return Statedump(timestamp: takenAtNs, threads: modelThreads, containers: modelContainers)
    }
}

extension RecordedThread {
    /// The namespace inodes as the shared model's plain struct (no dictionary to copy).
    public var namespaceInodes: NamespaceInodes {
        var inodes = NamespaceInodes()
        inodes.pid = namespaces["pid"] ?? 0
        inodes.mnt = namespaces["mnt"] ?? 0
        inodes.net = namespaces["net"] ?? 0
        inodes.uts = namespaces["uts"] ?? 0
        inodes.ipc = namespaces["ipc"] ?? 0
        inodes.user = namespaces["user"] ?? 0
        inodes.cgroup = namespaces["cgroup"] ?? 0
        inodes.time = namespaces["time"] ?? 0
        return inodes
    }
}
