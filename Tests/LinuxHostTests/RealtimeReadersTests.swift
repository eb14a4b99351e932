import Foundation
import Testing
@testable import LinuxHost
#if canImport(Glibc)
import Glibc
#endif

/// The readers behind issue 19: RT group scheduling budgets (v1 with `cpu.rt_runtime_us`,
/// v2 without), the policy and priority fields of /proc/PID/stat, schedstat, and the
/// capability and RLIMIT_RTPRIO of a process.
@Suite("Real-time readers")
struct RealtimeReadersTests {
    static let v1Root = "\(Fixtures.root)/counters/cgroup-v1-docker"
    static let v2Root = "\(Fixtures.root)/counters/cgroup-v2"
    static let containerID = "a20c38798b6032f1f79c44a5aa306a9724d6a4d721926d71bf5971e86a959f6c"

    @Test("v1: the container's budget, then /docker's and the root's, and the host's sysctl")
    func v1BudgetChain() throws {
        let layout = try CgroupLayout.read(mountInfoPath: Self.v1Root + "/proc/self/mountinfo", rootPrefix: Self.v1Root)
        let cgroups = try Procfs(root: Self.v1Root + "/proc").cgroups(TaskID(pid: 14609))
        let budget = try CgroupRealtimeBudget.read(layout: layout, cgroups: cgroups, procRoot: Self.v1Root + "/proc")
        #expect(budget.groupScheduling == .present)
        #expect(
            budget.levels == [
                .init(
                    cgroupPath: "/docker/\(Self.containerID)", rtRuntimeMicroseconds: 0, rtPeriodMicroseconds: 1_000_000
                ),
                .init(cgroupPath: "/docker", rtRuntimeMicroseconds: 200_000, rtPeriodMicroseconds: 1_000_000),
                .init(cgroupPath: "/", rtRuntimeMicroseconds: 950_000, rtPeriodMicroseconds: 1_000_000)
            ])
        #expect(!budget.ancestorsHidden)
        #expect(budget.hostRTRuntimeMicroseconds == 950_000)
        #expect(budget.hostRTPeriodMicroseconds == 1_000_000)
        #expect(budget.levelsWithoutBudget.map(\.cgroupPath) == ["/docker/\(Self.containerID)"])
        #expect(budget.cpuFractionPerCPU == 0)
    }

    @Test("v1 seen from inside the container: only its own cgroup is mounted, the parents are hidden")
    func v1FromInside() throws {
        let mountInfo =
            "32 31 0:29 /docker/\(Self.containerID) /sys/fs/cgroup/cpu/docker/\(Self.containerID) ro,relatime - cgroup cgroup rw,cpu"
        let layout = CgroupLayout.fromMountInfo(mountInfo, rootPrefix: Self.v1Root)
        let cgroups = ProcessCgroups(memberships: [
            CgroupMembership(hierarchyID: 3, controllers: ["cpu"], path: "/docker/\(Self.containerID)")
        ])
        let budget = try CgroupRealtimeBudget.read(layout: layout, cgroups: cgroups, procRoot: Self.v1Root + "/proc")
        #expect(budget.levels.map(\.cgroupPath) == ["/docker/\(Self.containerID)"])
        #expect(budget.ancestorsHidden)
    }

    @Test("v2: no RT group scheduling, only the host's limit")
    func v2HasNoBudget() throws {
        let layout = try CgroupLayout.read(mountInfoPath: Self.v2Root + "/proc/self/mountinfo", rootPrefix: Self.v2Root)
        let cgroups = ProcessCgroups(memberships: [
            CgroupMembership(hierarchyID: 0, controllers: [], path: "/system.slice/docker-3f1c2a.scope")
        ])
        let budget = try CgroupRealtimeBudget.read(layout: layout, cgroups: cgroups, procRoot: Self.v2Root + "/proc")
        #expect(budget.groupScheduling == .absentCgroupV2)
        #expect(budget.levels.isEmpty)
        #expect(budget.cpuFractionPerCPU == nil)
        #expect(budget.hostRTRuntimeMicroseconds == 950_000)
    }

    @Test("a v1 cpu directory without cpu.rt_runtime_us: a kernel without CONFIG_RT_GROUP_SCHED")
    func v1WithoutRTFiles() throws {
        // The cpuset hierarchy's directory has no rt files: mount it as if it were the cpu controller.
        let mountInfo = "32 31 0:29 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpu"
        let cpusetAsCPU = CgroupLayout.fromMountInfo(mountInfo, rootPrefix: Self.v1Root)
        let cgroups = ProcessCgroups(memberships: [
            CgroupMembership(hierarchyID: 2, controllers: ["cpu"], path: "/docker/\(Self.containerID)")
        ])
        let budget = try CgroupRealtimeBudget.read(
            layout: cpusetAsCPU, cgroups: cgroups, procRoot: Self.v1Root + "/proc")
        #expect(budget.groupScheduling == .absentKernel)
    }

    @Test("stat fields 40 and 41: rt_priority and policy")
    func policyFields() throws {
        let fifo =
            "4242 (rtloop) R 0 0 0 0 -1 4194560 30863 1246614 0 575 122 335 3979 2157 20 0 14 0 32 43790336 2889 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 10 1 0 0 0 0 0 0 0 0 0 0 0\n"
        let stat = try parsing(fifo) { bytes throws(HostReadError) in try ProcessStat.parse(bytes, path: "stat") }
        #expect(stat.realtimePriority == 10)
        #expect(stat.schedulingPolicy == .fifo)
        #expect(stat.schedulingPolicy?.isRealTime == true)
        let other = try parsing(ProcessStatTests.realLine) { bytes throws(HostReadError) in
            try ProcessStat.parse(bytes, path: "stat")
        }
        #expect(other.realtimePriority == 0)
        #expect(other.schedulingPolicy == .other)
        #expect(SchedulingPolicy(number: 2) == .roundRobin)
        #expect(SchedulingPolicy(number: 2).description == "SCHED_RR")
    }

    @Test("the policy-only reader agrees with the full parse, even with ') ' in the comm")
    func quickPolicyReader() throws {
        let root = "/tmp/periscope-rt-policy-\(getpid())"
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/4242", withIntermediateDirectories: true)
        let line =
            "4242 (rt) loop) R 0 0 0 0 -1 4194560 30863 1246614 0 575 122 335 3979 2157 20 0 14 0 32 43790336 2889 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 42 2 0 0 0 0 0 0 0 0 0 0 0\n"
        try line.write(toFile: "\(root)/4242/stat", atomically: true, encoding: .utf8)
        let procfs = Procfs(root: root)
        let quick = try #require(try procfs.schedulingPolicy(TaskID(pid: 4242)))
        #expect(quick.policy == .roundRobin && quick.realtimePriority == 42)
        let full = try procfs.stat(TaskID(pid: 4242))
        #expect(
            full.comm == "rt) loop" && full.schedulingPolicy == quick.policy
                && full.realtimePriority == quick.realtimePriority)
        try "4242 (short) R 0 0 0\n".write(toFile: "\(root)/4242/stat", atomically: true, encoding: .utf8)
        #expect(try procfs.schedulingPolicy(TaskID(pid: 4242)) == nil)
    }

    @Test("schedstat: run time, run-queue wait, timeslices")
    func schedstat() throws {
        let parsed = try parsing("123456789 987654321 42\n") { bytes throws(HostReadError) in
            try TaskSchedulerStatistics.parse(bytes, path: "schedstat")
        }
        #expect(
            parsed
                == TaskSchedulerStatistics(
                    runNanoseconds: 123_456_789, runQueueWaitNanoseconds: 987_654_321, timeslices: 42))
        #expect(throws: HostReadError.self) {
            try parsing("1 2\n") { bytes throws(HostReadError) in
                try TaskSchedulerStatistics.parse(bytes, path: "schedstat")
            }
        }
    }

    @Test("CapEff bit 23 and Max realtime priority")
    func capabilityAndRlimit() throws {
        let limits =
            "Limit                     Soft Limit           Hard Limit           Units\nMax realtime priority     0                    0                    \n"
        // Docker's default capability set: no CAP_SYS_NICE.
        let docker = try #require(
            ProcessRealtimeLimits.parse(status: "Name:\tsh\nCapEff:\t00000000a80425fb\n", limits: limits))
        #expect(!docker.hasCapSysNice)
        #expect(docker.rtprioSoftLimit == 0)
        #expect(docker.priorityAllowedWithoutCapability == 0)
        // --cap-add SYS_NICE adds bit 23.
        let nice = try #require(ProcessRealtimeLimits.parse(status: "CapEff:\t00000000a88425fb\n", limits: limits))
        #expect(nice.hasCapSysNice)
        let unlimited = try #require(
            ProcessRealtimeLimits.parse(
                status: "CapEff:\t0\n", limits: "Max realtime priority     unlimited            unlimited            \n"
            ))
        #expect(unlimited.rtprioSoftLimit == nil)
        #expect(unlimited.priorityAllowedWithoutCapability == 99)
        #expect(ProcessRealtimeLimits.parse(status: "Name:\tx\n", limits: limits) == nil)
    }

    @Test("the live process: its own limits and schedstat are readable")
    func live() throws {
        let procfs = Procfs()
        let own = getpid()
        _ = try procfs.realtimeLimits(own)
        let statistics = try procfs.schedulerStatistics(TaskID(pid: own))
        #expect(statistics.runNanoseconds > 0)
        #expect(try procfs.allowedCPUs(TaskID(pid: own)).count >= 1)
        #expect(try procfs.stat(TaskID(pid: own)).schedulingPolicy == .other)
        let quick = try #require(try procfs.schedulingPolicy(TaskID(pid: own)))
        #expect(quick.policy == .other && quick.realtimePriority == 0)
    }
}
