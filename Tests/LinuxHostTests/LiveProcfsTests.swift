import Foundation
import Testing
@testable import LinuxHost
#if canImport(Glibc)
import Glibc
#endif

/// Reads this machine's real /proc and checks the readers against system calls.
@Suite("Live /proc")
struct LiveProcfsTests {
    let procfs = Procfs()
    let me = TaskID(pid: getpid())

    @Test func ownStat() throws {
        let stat = try procfs.stat(me)
        #expect(stat.pid == getpid())
        #expect(stat.parentPID == getppid())
        #expect(stat.processGroupID == getpgrp())
        #expect(stat.sessionID == getsid(0))
        // Reading our own stat, some thread of ours is running.
        #expect(stat.state == .running || stat.state == .sleeping)
        #expect(stat.threadCount >= 1)
        #expect(stat.startTimeTicks > 0)
        let seconds = Double(stat.startTimeTicks) / Double(HostSystem.clockTicksPerSecond)
        #expect(seconds <= HostSystem.uptimeSeconds + 1)
        #expect(stat.virtualMemoryBytes > 0)
        #expect(stat.residentPages > 0)
        // Fields after rsslim (RLIM_INFINITY for almost every task) are present on any 3.x+ kernel.
        let cpu = try #require(stat.lastCPU)
        #expect(cpu >= 0 && Int(cpu) < ProcessInfo.processInfo.processorCount)
        #expect(stat.blockIODelayTicks != nil)
        #expect(try procfs.comm(me) == stat.comm)
    }

    @Test func ownStatus() throws {
        let status = try procfs.status(me)
        #expect(status.pid == getpid())
        #expect(status.threadGroupID == getpid())
        #expect(status.parentPID == getppid())
        #expect(status.userIDs.first == getuid())
        #expect(status.userIDs.count == 4)
        // The last NSpid entry is the PID in our own namespace: what getpid() returns.
        #expect(status.namespacePIDs.last == getpid())
        #expect(status.namespaceThreadGroupIDs.last == getpid())
        #expect(status.threadCount >= 1)
        #expect(status.residentSetBytes.map { $0 > 0 } == true)
        #expect(status.voluntaryContextSwitches + status.involuntaryContextSwitches > 0)
    }

    @Test func threadsOfOurProcess() throws {
        let threads = try procfs.threadIDs(of: getpid())
        #expect(threads.contains(getpid()))
        #expect(threads == threads.sorted())
        // The calling thread cannot exit while it reads its own task directory; /proc/thread-self
        // names it as "PID/task/TID", the form TaskID builds.
        let threadSelf = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")
        let tid = try #require(threadSelf.split(separator: "/").last.flatMap { Int32($0) })
        #expect(threads.contains(tid))
        let thread = TaskID(pid: getpid(), tid: tid)
        #expect(thread.procfsComponent == threadSelf || thread.isMainThread)
        #expect(try procfs.stat(thread).pid == tid)
        #expect(try procfs.status(thread).threadGroupID == getpid())
        #expect(try procfs.status(thread).pid == tid)
    }

    @Test func processListContainsUsAndInit() throws {
        let pids = try procfs.processIDs()
        #expect(pids.contains(getpid()))
        #expect(pids.contains(1))
        #expect(pids == pids.sorted())
        #expect(procfs.processExists(getpid()))
    }

    /// Each ns link parsed by the reader must match both readlink(2) and the nsfs inode stat(2) sees.
    @Test(arguments: NamespaceKind.allCases)
    func ownNamespaceLinks(kind: NamespaceKind) throws {
        let path = "/proc/self/ns/\(kind.rawValue)"
        guard access(path, F_OK) == 0 || FileManager.default.fileExists(atPath: path) else { return }  // kernel without this kind
        let inode = try procfs.namespaceInode(me, kind)
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: path)
        let name = kind == .pidForChildren ? "pid" : kind == .timeForChildren ? "time" : kind.rawValue
        #expect(target == "\(name):[\(inode)]")
        var info = stat()
        try #require(stat(path, &info) == 0)
        #expect(UInt64(info.st_ino) == inode)
    }

    @Test func ownNamespaceSet() throws {
        let namespaces = try procfs.namespaces(me)
        for kind in [NamespaceKind.cgroup, .ipc, .mnt, .net, .pid, .user, .uts] {
            #expect(namespaces[kind] != nil, "no \(kind) namespace")
        }
        // Right after exec (no unshare), children are born in our own PID namespace.
        #expect(namespaces[.pidForChildren] == namespaces[.pid])
    }

    @Test func ownCgroups() throws {
        let cgroups = try procfs.cgroups(me)
        let raw = try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
        #expect(cgroups.memberships.count == raw.split(separator: "\n").count)
        #expect(cgroups.memberships.allSatisfy { $0.path.hasPrefix("/") })
        let layout = try CgroupLayout.read()
        for membership in cgroups.memberships {
            let mounted = layout.hierarchies.first { hierarchy in
                membership.isUnified ? hierarchy.isUnified : hierarchy.controllers == membership.controllers.sorted()
            }
            guard let mounted else { continue }
            let directory = try #require(CgroupLayout.join(mounted, membership.path), "\(membership.hierarchyLabel)")
            #expect(FileManager.default.fileExists(atPath: directory), "\(membership.hierarchyLabel): \(directory)")
        }
    }

    @Test func liveLayoutMatchesMountInfo() throws {
        let text = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        let layout = try CgroupLayout.read()
        let hasV2 = text.split(separator: "\n").contains { $0.contains(" - cgroup2 ") }
        let hasV1 = text.split(separator: "\n").contains { $0.contains(" - cgroup cgroup ") }
        #expect((layout.unified != nil) == hasV2)
        switch layout.mode {
        case .unified: #expect(hasV2 || layout.hierarchies.isEmpty)
        case .hybrid: #expect(hasV1 && hasV2)
        case .legacy: #expect(hasV1 && !hasV2)
        }
        let mountInfoCount = MountInfoEntry.parseAll(text).count
        #expect(mountInfoCount == text.split(separator: "\n").count)
    }
}
