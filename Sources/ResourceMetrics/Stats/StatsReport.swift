/// One container's rates over `stats`' interval, with its limits: what `stats --json` prints.
package struct StatsReport: Sendable, Encodable {
    package var id: String
    package var name: String?
    package var runtime: String
    package var networkMode: String?
    package var sharesHostNetwork: Bool
    package var cgroup: CgroupRates
    package var network: [NetworkRates]
    /// Context switches summed over every thread of the container (nil on the first sample).
    package var contextSwitches: ContextSwitchRates?
    /// TCP of its network namespace; nil with the host network.
    package var tcp: TCPRates?
    /// Its RT budget chain, SCHED_FIFO/SCHED_RR threads and whether its init process could use them.
    package var realtime: ContainerRealtime

    /// Creates a value from its fields.
    package init(
        id: String, name: String?, runtime: String, networkMode: String?, sharesHostNetwork: Bool, cgroup: CgroupRates,
        network: [NetworkRates], contextSwitches: ContextSwitchRates?, tcp: TCPRates?, realtime: ContainerRealtime
    ) {
        self.id = id
        self.name = name
        self.runtime = runtime
        self.networkMode = networkMode
        self.sharesHostNetwork = sharesHostNetwork
        self.cgroup = cgroup
        self.network = network
        self.contextSwitches = contextSwitches
        self.tcp = tcp
        self.realtime = realtime
    }
}
