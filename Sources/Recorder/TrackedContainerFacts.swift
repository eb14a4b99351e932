/// What the recorder knows of a container it samples beyond its values: how the agent labels
/// its series (cAdvisor's `id` is the cgroup path) and lists it.
package struct TrackedContainerFacts: Sendable, Equatable {
    /// `runtime:id`, as `ContainerKey` prints it and the store keys it.
    package var key: String
    /// The name users know (the runtime's, or `runtime:shortid`).
    package var name: String
    /// The image reference, when the runtime says.
    package var image: String?
    /// `docker`, `containerd`, ...
    package var runtime: String
    /// The cgroup path the runtime was recognised from (`/docker/ID`).
    package var cgroupPath: String?
    /// It runs in the host's network namespace.
    package var sharesHostNetwork: Bool
}
