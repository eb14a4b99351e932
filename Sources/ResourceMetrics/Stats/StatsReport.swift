/// One container's rates over `stats`' interval, with its limits: what `stats --json` prints.
public struct StatsReport: Sendable, Encodable {
    public var id: String
    public var name: String?
    public var runtime: String
    public var networkMode: String?
    public var sharesHostNetwork: Bool
    public var cgroup: CgroupRates
    public var network: [NetworkRates]
    /// Context switches summed over every thread of the container (nil on the first sample).
    public var contextSwitches: ContextSwitchRates?
    /// TCP of its network namespace; nil with the host network.
    public var tcp: TCPRates?
    /// Its RT budget chain, SCHED_FIFO/SCHED_RR threads and whether its init process could use them.
    public var realtime: ContainerRealtime

    /// Creates a value from its fields.
    public init(id: String, name: String?, runtime: String, networkMode: String?, sharesHostNetwork: Bool, cgroup: CgroupRates,
                network: [NetworkRates], contextSwitches: ContextSwitchRates?, tcp: TCPRates?, realtime: ContainerRealtime) {
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
