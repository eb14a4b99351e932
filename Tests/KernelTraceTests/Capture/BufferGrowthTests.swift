import Testing

@testable import KernelTrace

/// A recording's buffers grow when a CPU loses events or nearly fills, up to a ceiling, and
/// every step is kept; losses are never reset.
@Suite("BufferGrowth")
struct BufferGrowthTests {
    /// Counters a test sets per CPU, and the resizes the controller asked for.
    final class FakeBuffers: BufferStatsSource {
        var cpus = [0, 1]
        var bufferSizeKBPerCPU: Int
        var stats: [Int: CPUBufferStats] = [:]
        var resizes: [Int] = []
        var refuse = false

        init(kb: Int) { bufferSizeKBPerCPU = kb }

        func bufferStats(cpu: Int) -> CPUBufferStats? { stats[cpu] ?? CPUBufferStats() }

        func resizeBuffers(kbPerCPU: Int) throws(TracefsError) {
            if refuse { throw TracefsError(path: "buffer_size_kb", operation: "write", errno: 12) }
            resizes.append(kbPerCPU)
            bufferSizeKBPerCPU = kbPerCPU
        }

        func set(cpu: Int, dropped: UInt64 = 0, commitOverrun: UInt64 = 0, unreadKB: UInt64 = 0) {
            var value = CPUBufferStats()
            value.droppedEvents = dropped
            value.commitOverrun = commitOverrun
            value.unreadBytes = unreadKB * 1024
            stats[cpu] = value
        }
    }

    @Test("a quiet buffer never grows")
    func quietBufferNeverGrows() {
        let buffers = FakeBuffers(kb: 1024)
        var controller = BufferGrowthController(policy: BufferGrowthPolicy(maximumKBPerCPU: 4096))
        buffers.set(cpu: 0, unreadKB: 700)
        buffers.set(cpu: 1, unreadKB: 100)
        let firstLook = controller.check(buffers, atNs: 1)
        #expect(firstLook == nil)
        #expect(buffers.resizes.isEmpty && controller.growths.isEmpty)
    }

    @Test("a loss doubles every CPU's buffer once, and only a new loss grows it again")
    func lossDoublesOnce() throws {
        let buffers = FakeBuffers(kb: 1024)
        var controller = BufferGrowthController(policy: BufferGrowthPolicy(maximumKBPerCPU: 8192))
        buffers.set(cpu: 1, dropped: 500)
        let firstLook = controller.check(buffers, atNs: 10)
        let step = try #require(firstLook)
        #expect(
            step
                == BufferGrowth(
                    atNs: 10, fromKBPerCPU: 1024, toKBPerCPU: 2048, reason: .eventsLost, cpus: [1],
                    lostEventsBefore: 500))
        // The same counters again: that loss was already answered.
        let secondLook = controller.check(buffers, atNs: 20)
        #expect(secondLook == nil)
        // A new loss (commit overruns count too) on the other CPU: grows again.
        buffers.set(cpu: 0, commitOverrun: 3)
        let thirdLook = controller.check(buffers, atNs: 30)
        let second = try #require(thirdLook)
        #expect(second.fromKBPerCPU == 2048 && second.toKBPerCPU == 4096 && second.cpus == [0])
        #expect(second.lostEventsBefore == 503)
        #expect(buffers.resizes == [2048, 4096])
        #expect(controller.growths == [step, second])
    }

    @Test("a buffer found 75 % full grows before it loses anything")
    func nearlyFullGrowsBeforeLoss() throws {
        let buffers = FakeBuffers(kb: 1024)
        var controller = BufferGrowthController(policy: BufferGrowthPolicy(maximumKBPerCPU: 4096))
        buffers.set(cpu: 0, unreadKB: 770)
        let firstLook = controller.check(buffers, atNs: 5)
        let step = try #require(firstLook)
        #expect(step.reason == .nearlyFull && step.cpus == [0] && step.toKBPerCPU == 2048)
        #expect(step.lostEventsBefore == 0)
        // 770 KiB of 2048 is not nearly full any more.
        let secondLook = controller.check(buffers, atNs: 6)
        #expect(secondLook == nil)
    }

    @Test("growth stops at the ceiling, and losses past it are still counted, not grown on")
    func stopsAtTheCeiling() throws {
        let buffers = FakeBuffers(kb: 1024)
        var controller = BufferGrowthController(policy: BufferGrowthPolicy(maximumKBPerCPU: 3000))
        buffers.set(cpu: 0, dropped: 1)
        let firstLook = controller.check(buffers, atNs: 1)
        #expect(try #require(firstLook).toKBPerCPU == 2048)
        buffers.set(cpu: 0, dropped: 2)
        let secondLook = controller.check(buffers, atNs: 2)
        #expect(try #require(secondLook).toKBPerCPU == 3000)
        buffers.set(cpu: 0, dropped: 9)
        let thirdLook = controller.check(buffers, atNs: 3)
        #expect(thirdLook == nil)
        #expect(buffers.resizes == [2048, 3000])
        #expect(buffers.bufferSizeKBPerCPU == 3000)
    }

    @Test("a ceiling equal to the start never grows")
    func ceilingAtStartNeverGrows() {
        let buffers = FakeBuffers(kb: 1024)
        var controller = BufferGrowthController(policy: BufferGrowthPolicy(maximumKBPerCPU: 1024))
        buffers.set(cpu: 0, dropped: 1_000, unreadKB: 1024)
        let firstLook = controller.check(buffers, atNs: 1)
        #expect(firstLook == nil)
        #expect(buffers.resizes.isEmpty)
    }

    @Test("a refused resize is kept as the error, not recorded as growth, and not retried")
    func refusedResize() {
        let buffers = FakeBuffers(kb: 1024)
        buffers.refuse = true
        var controller = BufferGrowthController(policy: BufferGrowthPolicy(maximumKBPerCPU: 4096))
        buffers.set(cpu: 0, dropped: 1)
        let firstLook = controller.check(buffers, atNs: 1)
        #expect(firstLook == nil)
        #expect(controller.resizeError?.errno == 12)
        buffers.refuse = false
        buffers.set(cpu: 0, dropped: 2)
        let secondLook = controller.check(buffers, atNs: 2)
        #expect(secondLook == nil)
        #expect(controller.growths.isEmpty && buffers.bufferSizeKBPerCPU == 1024)
    }

    @Test("the default ceiling: four times the start, within an eighth of the memory per CPU")
    func defaultCeiling() {
        #expect(
            BufferGrowthPolicy.defaultMaximumKBPerCPU(startKB: 32768, cpuCount: 2, availableMemoryKB: 22_000_000)
                == 131_072)
        #expect(
            BufferGrowthPolicy.defaultMaximumKBPerCPU(startKB: 32768, cpuCount: 32, availableMemoryKB: 16_000_000)
                == 62_500)
        // Little memory: stays at the start rather than shrinking.
        #expect(
            BufferGrowthPolicy.defaultMaximumKBPerCPU(startKB: 32768, cpuCount: 8, availableMemoryKB: 1_000_000)
                == 32768)
        #expect(BufferGrowthPolicy.defaultMaximumKBPerCPU(startKB: 1024, cpuCount: 2, availableMemoryKB: nil) == 4096)
    }

    @Test("the stats file's unread bytes are parsed")
    func parsesUnreadBytes() {
        let stats = CPUBufferStats.parse(
            "entries: 75\noverrun: 0\ncommit overrun: 2\nbytes: 5100\noldest event ts: 67600.364390\ndropped events: 7\n"
        )
        #expect(stats.unreadBytes == 5100 && stats.commitOverrun == 2 && stats.droppedEvents == 7)
        #expect(stats.lostEvents(overwritesOldest: false) == 9)
    }
}
