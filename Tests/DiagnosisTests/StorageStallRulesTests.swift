import ContainerInventory
import Diagnosis
import LinuxHost
import ResourceMetrics
import Testing

/// D-state threads, the container's I/O latency from them, the sync-write probe.
@Suite struct StorageStallRulesTests {
    static func thread(
        _ tid: Int32, container: ContainerKey?, samples: Int, channel: String = "blkdev_direct_IO"
    ) -> DStateThread {
        DStateThread(
            pid: tid, tid: tid, comm: "dd", container: container, firstSeenSeconds: 0.5, lastSeenSeconds: 5.5,
            samplesInD: samples,
            longestRunSamples: samples, waitChannel: channel, kernelStack: ["io_schedule", channel, "vfs_write"])
    }

    @Test("threads are a stall from 500 ms in D (5 sweeps of 100 ms); 4 sweeps are not")
    func boundary() {
        let stalled = Synthetic.diagnose(Synthetic.window(dState: [Self.thread(10, container: nil, samples: 5)]))
        #expect(stalled.findings("storage.d-state").count == 1)
        let brief = Synthetic.diagnose(Synthetic.window(dState: [Self.thread(10, container: nil, samples: 4)]))
        #expect(brief.findings("storage.d-state").isEmpty)
    }

    @Test("grouped by container and wait channel, with the container named and the stack shown")
    func grouping() {
        let web = ContainerRulesTests.throttled(writeIOPS: 10, limit: 10)
        let threads = [
            Self.thread(10, container: "docker:web-id", samples: 50),
            Self.thread(11, container: "docker:web-id", samples: 40),
            Self.thread(12, container: "docker:web-id", samples: 30, channel: "jbd2_log_wait_commit"),
            Self.thread(13, container: nil, samples: 20)
        ]
        let report = Synthetic.diagnose(Synthetic.window(containers: [web], dState: threads))
        let groups = report.findings("storage.d-state")
        #expect(groups.count == 3)
        let direct = groups.first { $0.verdict.contains("blkdev_direct_IO") && $0.containerKey == "docker:web-id" }
        #expect(direct?.subject == "container web")
        #expect(direct?.verdict.hasPrefix("2 threads of web") == true)
        #expect(
            direct?.evidence.contains { $0.metric.hasPrefix("kernel stack: io_schedule < blkdev_direct_IO") } == true)
        // Little's law: 9 s in D over 6 s at 10 op/s = 150 ms per I/O.
        let latency = direct?.evidence.first { $0.metric.hasPrefix("I/O latency seen by the container") }?.value ?? 0
        #expect(abs(latency - 150) < 0.001)
        // Its own throttle is saturated: the container is to blame, not the device.
        #expect(direct?.blame.party == .container)
        #expect(
            groups.contains {
                $0.containerKey == nil && $0.subject == "host threads" && $0.verdict.hasPrefix("1 thread of the host")
            })
    }

    @Test("a container's IOPS falling to a floor while threads in D / IOPS rises: the burst-budget signature")
    func containerLatencyCollapse() {
        func container(ops: [Double], threadsInD: [Double]) -> ObservedContainer {
            var web = ContainerRulesTests.throttled(writeIOPS: 0, limit: 1_000_000)
            for (index, rate) in ops.enumerated() {
                web.intervals[index].blockIO?[0].writeOperationsPerSecond = CounterRate(perSecond: rate)
            }
            web.averageDStateThreads = threadsInD
            return web
        }
        let collapsed = container(ops: [5000, 5000, 3000, 10, 10, 10], threadsInD: [0.1, 0.1, 0.5, 1, 1, 1])
        let finding = Synthetic.diagnose(Synthetic.window(containers: [collapsed])).findings("storage.latency-collapse")
            .first
        #expect(finding?.subject == "container web")
        // 1 thread in D at 10 op/s: 100 ms per I/O.
        #expect(finding?.evidence.first { $0.metric.hasPrefix("I/O latency") }?.last == 100)
        // Same fall with nobody waiting: the workload just did less.
        let quieter = container(ops: [5000, 5000, 3000, 10, 10, 10], threadsInD: [0.1, 0.1, 0, 0, 0, 0])
        #expect(
            Synthetic.diagnose(Synthetic.window(containers: [quieter])).findings("storage.latency-collapse").isEmpty)
    }

    @Test("sync-write probe: slow from a median of 100 ms, and a probe that did not finish")
    func probe() {
        let fast = SyncWriteProbeResult(
            directory: "/data", blockBytes: 1 << 20, writesPlanned: 3, latenciesMilliseconds: [99, 99, 500],
            totalSeconds: 0.7)
        #expect(Synthetic.diagnose(Synthetic.window(probe: fast)).findings("storage.sync-write-slow").isEmpty)
        let slow = SyncWriteProbeResult(
            directory: "/data", blockBytes: 1 << 20, writesPlanned: 3, latenciesMilliseconds: [100, 100, 100],
            totalSeconds: 0.3)
        #expect(Synthetic.diagnose(Synthetic.window(probe: slow)).findings("storage.sync-write-slow").count == 1)
        let stuck = SyncWriteProbeResult(
            directory: "/data", blockBytes: 1 << 20, writesPlanned: 10, latenciesMilliseconds: [5], totalSeconds: 5,
            stoppedAtTimeLimit: true)
        #expect(
            Synthetic.diagnose(Synthetic.window(probe: stuck)).findings("storage.sync-write-slow").first?.verdict
                .contains("did not finish") == true)
    }

    /// A probe that could not write at all (issue 12: "median ∞ ms" as a user) measured
    /// nothing; one blocked past its time limit still is a finding.
    @Test("sync-write probe: a probe that never wrote is no finding; one still blocked is")
    func probeThatNeverWrote() {
        let denied = SyncWriteProbeResult(
            directory: "/var/lib/docker", blockBytes: 1 << 20, writesPlanned: 10,
            failure: "/var/lib/docker/.periscope-sync-probe-1-2: Permission denied")
        #expect(Synthetic.diagnose(Synthetic.window(probe: denied)).findings("storage.sync-write-slow").isEmpty)
        let blocked = SyncWriteProbeResult(
            directory: "/data", blockBytes: 1 << 20, writesPlanned: 10, totalSeconds: 10,
            stoppedAtTimeLimit: true, failure: "a synchronous write was still blocked after 10 s")
        #expect(Synthetic.diagnose(Synthetic.window(probe: blocked)).findings("storage.sync-write-slow").count == 1)
    }
}
