import LinuxHost

/// JSON puts `runtime`, `id` and `shortID` at the top level of each container, where
/// scripts look for them, instead of a nested `key`.
extension Container {
    enum CodingKeys: String, CodingKey {
        case runtime, id, shortID, name, image, labels, pod, initPID, initPIDInContainer, initCommand
        case namespaces, namespacesSharedWithHost, cgroups, cgroupPath, hostname, networkMode, processCount,
            metadataSource
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        key = ContainerKey(
            runtime: try values.decode(ContainerRuntime.self, forKey: .runtime),
            id: try values.decode(String.self, forKey: .id))
        name = try values.decodeIfPresent(String.self, forKey: .name)
        image = try values.decodeIfPresent(String.self, forKey: .image)
        labels = try values.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        pod = try values.decodeIfPresent(PodIdentity.self, forKey: .pod)
        initPID = try values.decodeIfPresent(Int32.self, forKey: .initPID)
        initPIDInContainer = try values.decodeIfPresent(Int32.self, forKey: .initPIDInContainer)
        initCommand = try values.decodeIfPresent(String.self, forKey: .initCommand)
        namespaces = try values.decode(NamespaceSet.self, forKey: .namespaces)
        namespacesSharedWithHost = try values.decode([NamespaceKind].self, forKey: .namespacesSharedWithHost)
        cgroups = try values.decodeIfPresent(ProcessCgroups.self, forKey: .cgroups)
        cgroupPath = try values.decodeIfPresent(String.self, forKey: .cgroupPath)
        hostname = try values.decodeIfPresent(String.self, forKey: .hostname)
        networkMode = try values.decodeIfPresent(String.self, forKey: .networkMode)
        processCount = try values.decode(Int.self, forKey: .processCount)
        metadataSource = try values.decode(MetadataSource.self, forKey: .metadataSource)
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(runtime, forKey: .runtime)
        try values.encode(id, forKey: .id)
        try values.encode(shortID, forKey: .shortID)
        try values.encodeIfPresent(name, forKey: .name)
        try values.encodeIfPresent(image, forKey: .image)
        try values.encode(labels, forKey: .labels)
        try values.encodeIfPresent(pod, forKey: .pod)
        try values.encodeIfPresent(initPID, forKey: .initPID)
        try values.encodeIfPresent(initPIDInContainer, forKey: .initPIDInContainer)
        try values.encodeIfPresent(initCommand, forKey: .initCommand)
        try values.encode(namespaces, forKey: .namespaces)
        try values.encode(namespacesSharedWithHost, forKey: .namespacesSharedWithHost)
        try values.encodeIfPresent(cgroups, forKey: .cgroups)
        try values.encodeIfPresent(cgroupPath, forKey: .cgroupPath)
        try values.encodeIfPresent(hostname, forKey: .hostname)
        try values.encodeIfPresent(networkMode, forKey: .networkMode)
        try values.encode(processCount, forKey: .processCount)
        try values.encode(metadataSource, forKey: .metadataSource)
    }
}

/// A process's container stays the `{runtime, id}` object in `ps --processes --json`, where
/// scripts read it; keys elsewhere are coded as `runtime:id` text.
extension InventoryProcess {
    enum CodingKeys: String, CodingKey {
        case pid, startTimeTicks, parentPID, comm, state, container, pidNamespace, namespacePIDs, commandLine,
            userTimeTicks, systemTimeTicks
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(pid, forKey: .pid)
        try values.encode(startTimeTicks, forKey: .startTimeTicks)
        try values.encode(parentPID, forKey: .parentPID)
        try values.encode(comm, forKey: .comm)
        try values.encode(state, forKey: .state)
        try container.encodeFields(to: values.superEncoder(forKey: .container))
        try values.encodeIfPresent(pidNamespace, forKey: .pidNamespace)
        try values.encodeIfPresent(namespacePIDs, forKey: .namespacePIDs)
        try values.encodeIfPresent(commandLine, forKey: .commandLine)
        try values.encode(userTimeTicks, forKey: .userTimeTicks)
        try values.encode(systemTimeTicks, forKey: .systemTimeTicks)
    }
}
