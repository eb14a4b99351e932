import ResourceMetrics
import Testing

/// The one rule `diagnose` and the recorder use to decide when to read every thread's state.
@Suite struct DStateSweepGateTests {
    /// The gate's decisions for successive opportunities with these procs_blocked readings.
    static func decisions(_ gate: inout DStateSweepGate, _ blocked: [UInt64?]) -> [Bool] {
        blocked.map { gate.shouldSweep(blockedTasks: $0) }
    }

    @Test("the first opportunity sweeps, then every Nth when no task is blocked on I/O")
    func periodicFullSweeps() {
        var gate = DStateSweepGate(fullSweepEvery: 3)
        #expect(Self.decisions(&gate, Array(repeating: 0, count: 7)) == [true, false, false, true, false, false, true])
    }

    @Test("a task blocked on I/O (procs_blocked > 0) sweeps at once and restarts the cadence")
    func blockedTasksSweep() {
        var gate = DStateSweepGate(fullSweepEvery: 3)
        #expect(Self.decisions(&gate, [0, 0, 2, 1, 0, 0, 0]) == [true, false, true, true, false, false, true])
    }

    @Test("an unreadable /proc/stat sweeps: a read failure never hides a stall")
    func unreadableSweeps() {
        var gate = DStateSweepGate(fullSweepEvery: 100)
        #expect(Self.decisions(&gate, [0, 0, nil, 0]) == [true, false, true, false])
    }

    @Test("every 1 (or less) sweeps at every opportunity")
    func everyOpportunity() {
        var gate = DStateSweepGate(fullSweepEvery: 0)
        #expect(gate.fullSweepEvery == 1)
        #expect(Self.decisions(&gate, [0, 0, 0, 0, 0]) == [true, true, true, true, true])
    }

    @Test("a cadence in seconds becomes opportunities at the sampling interval, rounded up")
    func secondsToOpportunities() {
        #expect(DStateSweepGate.opportunities(everySeconds: 30, intervalSeconds: 1) == 30)
        #expect(DStateSweepGate.opportunities(everySeconds: 30, intervalSeconds: 7) == 5)
        #expect(DStateSweepGate.opportunities(everySeconds: 1, intervalSeconds: 0.1) == 10)
        #expect(DStateSweepGate.opportunities(everySeconds: 0, intervalSeconds: 1) == 1)
        #expect(DStateSweepGate.opportunities(everySeconds: 5, intervalSeconds: 60) == 1)
        #expect(DStateSweepGate.opportunities(everySeconds: 30, intervalSeconds: 0) == 1)
    }
}
