import ContainerInventory
import Foundation
import LinuxHost

/// `stats`' view of one container: two samples an interval apart of its cgroup counters (with
/// the block I/O fallback), its network namespace's interfaces and TCP counters, the context
/// switches of its threads and its real-time state, as rates beside its limits.
///
/// Owns the cgroup descriptors it reads through. Not thread-safe.
package final class ContainerStatsSampler {
    /// Why a container could not be sampled; the description is the message for the user.
    package enum Failure: Error, CustomStringConvertible {
        /// The container has no cgroup: it is not running.
        case noCgroup(container: String)
        /// Its cgroup went away between the samples.
        case stopped(container: String, HostReadError)
        /// The clock did not move between the samples.
        case samplesAtSameInstant

        package var description: String {
            switch self {
            case .noCgroup(let container): "container \(container) has no cgroup (is it running?)"
            case .stopped(let container, let error): "container \(container) stopped while being sampled (\(error))"
            case .samplesAtSameInstant: "the two samples were taken at the same instant"
            }
        }
    }

    private let container: Container
    private let cgroups: ProcessCgroups
    private let memberPIDs: [Int32]
    private let layout: CgroupLayout
    private let files: CgroupCounterFiles
    private let cgroupSampler = CgroupSampler()
    private let blockIOFallback: BlockIOFallback
    private let host = HostCounterReader()
    private let hostCPUCount: Int
    private let switches = ContextSwitchSampler()
    private let realtimeThreads = RealtimeThreadSampler()

    /// Opens `container`'s cgroup files; its threads are the processes `snapshot` puts in it.
    package init(container: Container, in snapshot: InventorySnapshot) throws {
        guard let cgroups = container.cgroups else { throw Failure.noCgroup(container: container.displayName) }
        self.container = container
        self.cgroups = cgroups
        layout = try CgroupLayout.read()
        files = CgroupCounterFiles(CgroupDirectories(layout: layout, cgroups: cgroups))
        blockIOFallback = BlockIOFallback(layout: layout)
        hostCPUCount = try host.cpuStat().perCPU.count
        memberPIDs = snapshot.processes.filter { $0.container == container.key }.map(\.pid)
    }

    /// Samples, waits `intervalSeconds`, samples again and returns the rates between.
    package func sample(intervalSeconds: Double) throws -> StatsReport {
        let group = container.key.description
        let sharesHostNetwork = container.namespacesSharedWithHost.contains(.net)
        var noRates: CgroupRates?
        do {
            let oldNetwork = try networkSample(container.initPID)
            let oldTCP = sharesHostNetwork ? nil : tcpSample(container.initPID)
            _ = switches.rates(group: group, pids: memberPIDs)
            _ = realtimeThreads.sample(group: group, pids: memberPIDs)
            _ = try cgroupSampler.rates(files, hostCPUCount: hostCPUCount)
            blockIOFallback.apply(to: &noRates, group: group, files: files)
            Thread.sleep(forTimeInterval: intervalSeconds)
            let newNetwork = try networkSample(container.initPID)
            let newTCP = sharesHostNetwork ? nil : tcpSample(container.initPID)
            let contextSwitches = switches.rates(group: group, pids: memberPIDs)
            let realtime = realtimeState(threads: realtimeThreads.sample(group: group, pids: memberPIDs))
            var (_, maybeRates) = try cgroupSampler.rates(files, hostCPUCount: hostCPUCount)
            blockIOFallback.apply(to: &maybeRates, group: group, files: files)
            guard let rates = maybeRates else { throw Failure.samplesAtSameInstant }
            var network: [NetworkRates] = []
            if let oldNetwork, let newNetwork,
                let calculator = RateCalculator(from: oldNetwork.takenAt, to: newNetwork.takenAt)
            {
                network =
                    NetworkRates.rates(old: oldNetwork.counters, new: newNetwork.counters, rates: calculator).interfaces
            }
            return StatsReport(
                id: container.id, name: container.name, runtime: container.runtime.rawValue,
                networkMode: container.networkMode,
                sharesHostNetwork: sharesHostNetwork, cgroup: rates, network: network, contextSwitches: contextSwitches,
                tcp: tcpRates(oldTCP, newTCP), realtime: realtime)
        } catch let error as HostReadError where error.isCgroupRemoved {
            throw Failure.stopped(container: container.displayName, error)
        }
    }

    /// The RT budget chain, the RT threads and whether the container's init process could use SCHED_FIFO.
    private func realtimeState(threads: [RealtimeThreadRates]) -> ContainerRealtime {
        let budget = try? CgroupRealtimeBudget.read(layout: layout, cgroups: cgroups)
        let limits = container.initPID.flatMap { try? Procfs().realtimeLimits($0) }
        return ContainerRealtime(
            budget: budget, threads: threads,
            usability: RealtimeUsability(budget: budget, limits: limits, insideContainer: false))
    }

    private func networkSample(_ pid: Int32?) throws -> CounterSample<[NetworkDeviceStats]>? {
        guard let pid else { return nil }
        let takenAt = MonotonicInstant.now()
        do {
            return CounterSample(takenAt: takenAt, counters: try host.networkDevices(pid: pid))
        } catch  where error.isVanished {
            return nil
        }
    }

    private func tcpSample(_ pid: Int32?) -> CounterSample<TCPCounters>? {
        guard let pid else { return nil }
        let takenAt = MonotonicInstant.now()
        return (try? host.tcpCounters(pid: pid)).map { CounterSample(takenAt: takenAt, counters: $0) }
    }

    private func tcpRates(_ old: CounterSample<TCPCounters>?, _ new: CounterSample<TCPCounters>?) -> TCPRates? {
        guard let old, let new, let calculator = RateCalculator(from: old.takenAt, to: new.takenAt) else { return nil }
        return TCPRates(old: old.counters, new: new.counters, rates: calculator)
    }
}
