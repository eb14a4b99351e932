extension RecordedStatedump {
    /// The statedump in the shared event model, for `TraceDescription`. Threads first seen by
    /// a rescan during the capture are included: they tell which container a thread born
    /// during the trace (e.g. by `docker run`) belongs to.
    public func model() -> Statedump {
        var indexByKey: [String: Int] = [:]
        let modelContainers = containers.enumerated().map { index, container in
            indexByKey[container.key] = index
            return StatedumpContainer(runtime: container.runtime, id: container.id, name: container.displayName,
                                      pidNamespace: container.pidNamespace ?? 0)
        }
        let modelThreads = threads.map { thread in
            var namespaces = NamespaceInodes()
            namespaces.pid = thread.namespaces["pid"] ?? 0
            namespaces.mnt = thread.namespaces["mnt"] ?? 0
            namespaces.net = thread.namespaces["net"] ?? 0
            namespaces.uts = thread.namespaces["uts"] ?? 0
            namespaces.ipc = thread.namespaces["ipc"] ?? 0
            namespaces.user = thread.namespaces["user"] ?? 0
            namespaces.cgroup = thread.namespaces["cgroup"] ?? 0
            namespaces.time = thread.namespaces["time"] ?? 0
            return StatedumpThread(tid: thread.tid, pid: thread.pid, ppid: thread.ppid, comm: thread.comm,
                                   namespacePIDs: thread.namespaceTIDs, namespaces: namespaces, cgroupPaths: thread.cgroups,
                                   containerIndex: thread.container.flatMap { indexByKey[$0] })
        }
        return Statedump(timestamp: takenAtNs, threads: modelThreads, containers: modelContainers)
    }
}
