import LinuxHost
import Testing
@testable import Presentation
@testable import ResourceMetrics

/// `top`'s drill-down shows the container's RT budget chain and its SCHED_FIFO/SCHED_RR threads.
@Suite("top drill-down: real-time lines")
struct TopRealtimeRenderTests {
    @Test func theProcessViewShowsTheBudgetAndTheRTThreadsAboveTheProcesses() {
        var frame = TopTestFrames.frame
        let budget = CgroupRealtimeBudget(
            groupScheduling: .present,
            levels: [
                .init(cgroupPath: "/docker/busy-id", rtRuntimeMicroseconds: 100_000, rtPeriodMicroseconds: 1_000_000),
                .init(cgroupPath: "/docker", rtRuntimeMicroseconds: 200_000, rtPeriodMicroseconds: 1_000_000)
            ])
        let thread = RealtimeThreadRates(
            pid: 4123, tid: 4124, comm: "busyloop", policy: .roundRobin, rtPriority: 50,
            allowedCPUs: CPUList(cpus: [0, 1]), lastCPU: 0, cpuCores: 0.1, runQueueWaitSecondsPerSecond: 0.9)
        frame.realtimeByRowID["docker:busy-id"] = ContainerRealtime(budget: budget, threads: [thread])
        var state = TopViewState()
        state.screen = .processes(rowID: "docker:busy-id", name: "busy")
        let texts = TopRenderer(width: 200, height: 20, isInteractive: true).render(frame, state: state).map(\.text)
        let title = texts.firstIndex(of: "busy (busy-id): 3 processes")!
        #expect(
            texts[title + 1].hasPrefix(
                "RT budget 100000/1000000 µs (10.0% of each CPU)  parents: /docker 200000/1000000 µs (20.0% of each CPU)"
            ))
        #expect(
            texts[title + 2]
                == "  RT busyloop TID 4124 SCHED_RR 50 on CPU 0 (allowed 0-1): 0.100 cores, waited 900.0 ms/s runnable")
        #expect(texts[title + 3].contains("PID") && texts[title + 3].contains("COMMAND"))
        // Another container's drill-down does not show this one's threads.
        state.screen = .processes(rowID: "docker:database-id", name: "database")
        #expect(
            !TopRenderer(width: 200, height: 20, isInteractive: true).render(frame, state: state).contains {
                $0.text.contains("RT budget") || $0.text.contains("  RT ")
            })
    }
}
