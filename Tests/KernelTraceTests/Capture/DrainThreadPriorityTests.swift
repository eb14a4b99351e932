import Foundation
import Testing

@testable import KernelTrace

/// The thread that drains trace buffers runs at nice -10 while it records, so a busy host does
/// not keep it from draining until the buffers overflow; only that thread, and only until the
/// recording ends.
@Suite("DrainThreadPriority")
struct DrainThreadPriorityTests {
    @Test("raised on the calling thread only, and restored")
    func raisedOnTheCallingThreadOnlyAndRestored() throws {
        let before = try #require(DrainThreadPriority.currentNice())
        // Another thread, started before the raise (a new thread inherits its creator's nice),
        // reads its own value while this one is raised.
        let go = DispatchSemaphore(value: 0), read = DispatchSemaphore(value: 0)
        let otherThreadNice = NiceBox()
        Thread {
            go.wait()
            otherThreadNice.value = DrainThreadPriority.currentNice()
            read.signal()
        }.start()
        let priority = DrainThreadPriority.raise()
        let during = DrainThreadPriority.currentNice()
        go.signal()
        read.wait()
        priority.restore()
        let after = DrainThreadPriority.currentNice()

        if geteuid() == 0 {
            // Root (or CAP_SYS_NICE) may raise it.
            #expect(priority.wasRaised == (before > DrainThreadPriority.drainingNice))
            #expect(during == min(before, DrainThreadPriority.drainingNice))
            #expect(otherThreadNice.value == before)
        } else {
            // Without the right to raise it, nothing changes and nothing fails.
            #expect(!priority.wasRaised)
            #expect(during == before)
        }
        #expect(after == before)
    }
}

/// The other thread's reading, handed over under the semaphores' ordering.
private final class NiceBox: @unchecked Sendable {
    var value: Int32?
}
