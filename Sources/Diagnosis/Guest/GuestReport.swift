import Reporting
import ResourceMetrics

/// `periscope inside`: what the container really has against what tools claim from inside
/// it, and which host-wide metrics mislead there ("Container Performance Analysis" (DockerCon 2017) slides 51-56).
package struct GuestReport: Sendable, Codable {
    /// One resource: the real limit and what a tool reports.
    package struct Comparison: Sendable, Codable, Equatable {
        /// "CPUs", "memory", "PIDs".
        package var resource: String
        /// What the container really has, in words.
        package var real: String
        /// The real value as a number (CPUs, bytes, tasks); nil when unlimited.
        package var realValue: Double?
        /// What each tool claims, by tool name ("nproc", "/proc/cpuinfo").
        package var claims: [Claim]
        /// Why it matters, when claims and reality differ.
        package var consequence: String?
    }

    /// What one tool claims: its number (CPUs, bytes, tasks; nil when it gave none) and how
    /// the terminal shows it.
    package struct Claim: Sendable, Codable, Equatable {
        /// The tool or file ("nproc", "/proc/cpuinfo", "free (MemTotal)").
        package var tool: String
        /// The claimed amount, in the comparison's unit (`realValue`'s).
        package var value: Double?
        /// The amount as the terminal shows it ("2", "23.5 GiB", "-").
        package var text: String

        package init(tool: String, value: Double?, text: String) {
            self.tool = tool
            self.value = value
            self.text = text
        }

        /// A whole-number claim (CPUs, tasks), shown as the number.
        static func count<Number: BinaryInteger>(_ tool: String, _ value: Number?) -> Claim {
            Claim(tool: tool, value: value.map { Double($0) }, text: value.map { String($0) } ?? "-")
        }

        /// A size in bytes, shown in binary units.
        static func bytes(_ tool: String, _ value: UInt64?) -> Claim {
            Claim(tool: tool, value: value.map { Double($0) }, text: value.map { byteCount(Double($0)) } ?? "-")
        }
    }

    /// A metric that looks like the container's but is not.
    package struct MisleadingMetric: Sendable, Codable, Equatable {
        /// Where it is read ("/proc/loadavg (uptime, top)").
        package var source: String
        /// What it shows and whose it is.
        package var explanation: String
        /// True when it is the host's (misleading); false when it is really the container's.
        package var isHostWide: Bool
    }

    /// Whether this looks like a container, and why.
    package var insideContainer: Bool
    /// The signs found.
    package var containerSigns: [String]
    /// The cgroup path.
    package var cgroupPath: String?
    /// Limits against claims.
    package var comparisons: [Comparison]
    /// Metrics to distrust (or trust) from here.
    package var metrics: [MisleadingMetric]
    /// What could not be read.
    package var unreadable: [String]
    /// Whether SCHED_FIFO/SCHED_RR can be used here, why not and what fixes it.
    package var realtime: RealtimeUsability?

    /// Builds the report from what was read.
    package init(_ resources: GuestResources) {
        insideContainer = !resources.containerSigns.isEmpty
        containerSigns = resources.containerSigns
        cgroupPath = resources.cgroupPath
        unreadable = resources.unreadable
        realtime = resources.realtime
        var comparisons: [Comparison] = []
        let effective = resources.effectiveCPUs
        var cpuParts: [String] = []
        if let quota = resources.cpuQuotaCores { cpuParts.append("CFS quota \(fixed(quota, 2)) CPUs") }
        if let cpuset = resources.cpusetCPUs { cpuParts.append("cpuset \(cpuListText(cpuset)) (\(cpuset.count) CPUs)") }
        let claimedCPUs = max(resources.cpuinfoProcessors, resources.onlineCPUs)
        comparisons.append(
            Comparison(
                resource: "CPUs",
                real: "\(fixed(effective, 2)) CPUs"
                    + (cpuParts.isEmpty ? "" : " (" + cpuParts.joined(separator: ", ") + ")"), realValue: effective,
                claims: [
                    .count("/proc/cpuinfo", resources.cpuinfoProcessors), .count("nproc", resources.affinityCPUs),
                    .count("sysconf(_SC_NPROCESSORS_ONLN)", resources.onlineCPUs)
                ],
                consequence: Double(claimedCPUs) > effective + 0.001
                    ? "runtimes that size thread pools or GC threads from /proc/cpuinfo or sysconf start \(claimedCPUs) workers for \(fixed(effective, 2)) CPUs: expect throttling (periscope diagnose shows it)"
                    : nil))
        let memoryLimit = resources.memoryLimitBytes
        comparisons.append(
            Comparison(
                resource: "memory",
                real: memoryLimit.map {
                    "limit \(byteCount(Double($0)))"
                        + (resources.memoryWorkingSetBytes.map { ", working set \(byteCount(Double($0)))" } ?? "")
                } ?? "no limit (the host's memory)",
                realValue: memoryLimit.map { Double($0) },
                claims: [
                    .bytes("free (MemTotal)", resources.meminfoTotalBytes),
                    .bytes("free (available)", resources.meminfoAvailableBytes)
                ],
                consequence: memoryLimit.map {
                    $0 < resources.meminfoTotalBytes
                        ? "free shows the host's \(byteCount(Double(resources.meminfoTotalBytes))); a process sizing its heap from it (25% of RAM) is OOM-killed at \(byteCount(Double($0)))"
                        : nil
                } ?? nil))
        comparisons.append(
            Comparison(
                resource: "PIDs",
                real: resources.pidsLimit.map {
                    "pids.max \($0)" + (resources.pidsCurrent.map { ", \($0) in use" } ?? "")
                } ?? "no limit",
                realValue: resources.pidsLimit.map { Double($0) },
                claims: [.count("kernel.pid_max", resources.kernelPIDMax)],
                consequence: resources.pidsLimit.map { _ in
                    "fork and pthread_create fail with EAGAIN at the cgroup's limit, long before pid_max"
                }))
        self.comparisons = comparisons
        var metrics: [MisleadingMetric] = []
        if let load = resources.loadAverage {
            metrics.append(
                MisleadingMetric(
                    source: "/proc/loadavg (uptime, top)",
                    explanation: "load \(fixed(load.oneMinute, 2)) is the whole host's, neighbours included",
                    isHostWide: true))
        }
        metrics.append(
            MisleadingMetric(
                source: "/proc/stat (mpstat, top %Cpu, vmstat us/sy/id)",
                explanation:
                    "CPU busy time of all \(resources.onlineCPUs) host CPUs, neighbours included; this container's own use is its cgroup's cpuacct/cpu.stat",
                isHostWide: true))
        metrics.append(
            MisleadingMetric(
                source: "/proc/meminfo (free, top)",
                explanation:
                    "the host's \(byteCount(Double(resources.meminfoTotalBytes))); the container's limit is its memory cgroup",
                isHostWide: true))
        metrics.append(
            MisleadingMetric(
                source: "/proc/diskstats (iostat)",
                explanation:
                    "\(resources.diskstatsDevices) host block devices and everyone's I/O on them; the container's own I/O is its blkio/io cgroup",
                isHostWide: true))
        metrics.append(
            MisleadingMetric(
                source: "/proc/vmstat, /proc/pressure/* (vmstat si/so, PSI)",
                explanation: "host-wide paging and pressure", isHostWide: true))
        metrics.append(
            MisleadingMetric(
                source: "/proc/net/dev, /proc/net/snmp (sar -n DEV,TCP)",
                explanation:
                    "this network namespace's own interfaces (\(resources.networkInterfaces.joined(separator: ", "))): the container's, unless it runs with the host network",
                isHostWide: false))
        metrics.append(
            MisleadingMetric(
                source: "/proc/PID (ps, pidstat)",
                explanation: "only this PID namespace's processes: the neighbours using the CPU are invisible",
                isHostWide: false))
        self.metrics = metrics
    }
}
