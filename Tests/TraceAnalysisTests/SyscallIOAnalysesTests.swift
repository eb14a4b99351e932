import KernelTrace
import Testing
@testable import TraceAnalysis

@Suite("syscalls, iousage, iolatency, irq and memtop on synthetic traces")
struct SyscallIOAnalysesTests {
    /// dd (tid 300) reads 100, 200 and 300 bytes from fd 3 (opened as /data/in) taking 10, 20 and 30 us, then fails an open.
    func readTrace(style: SyntheticTrace.Style) -> SyntheticTrace {
        var trace = SyntheticTrace(style: style)
        trace.statedump = Statedump(threads: [StatedumpThread(tid: 300, pid: 300, ppid: 1, comm: "dd")])
        trace.schedSwitch(at: 1 * millisecond, cpu: 0, prev: (0, "swapper/0"), next: (300, "dd"))
        trace.syscall(
            "openat", number: 257, tid: 300, cpu: 0, begin: 2 * millisecond, end: 2 * millisecond + 5 * microsecond,
            ret: 3,
            fd: -100, filename: "/data/in")
        var now = 3 * millisecond
        for (index, bytes) in [Int64(100), 200, 300].enumerated() {
            trace.syscall(
                "read", number: 0, tid: 300, cpu: 0, begin: now, end: now + UInt64(index + 1) * 10 * microsecond,
                ret: bytes, fd: 3, count: 4096)
            now += millisecond
        }
        trace.syscall(
            "openat", number: 257, tid: 300, cpu: 0, begin: now, end: now + 2 * microsecond, ret: -2, fd: -100,
            filename: "/missing")
        return trace
    }

    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func syscallsCountErrorsAndDurations(style: SyntheticTrace.Style) throws {
        var options = AnalysisOptions()
        options.statistics = true
        options.log = true
        let report = try TraceAnalysisRunner.run(.syscalls, source: readTrace(style: style), options: options)
        let table = try #require(report.table("syscalls"))
        let read = try #require(table.rows.first { $0[0] == .syscall("read") })
        #expect(
            Array(read[1...5]) == [
                .integer(0), .integer(3), .duration(10 * microsecond), .duration(20 * microsecond),
                .duration(30 * microsecond)
            ])
        let open = try #require(table.rows.first { $0[0] == .syscall("openat") })
        #expect(open[1] == .integer(1) && open[2] == .integer(2))
        options.top = 1
        let top = try TraceAnalysisRunner.run(.syscalls, source: readTrace(style: style), options: options)
        #expect(top.table("syscalls")?.rows.count == 1 && top.table("syscalls-log")?.rows.count == 1)
        let slowest = try #require(top.table("syscalls-log")?.rows.first)
        #expect(
            slowest[1] == .duration(30 * microsecond) && slowest[2] == .syscall("read") && slowest[3] == .integer(300))
        #expect(slowest[6] == .fileDescriptor(3) && slowest[7] == .integer(4096))
    }

    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func iousageSumsBytesPerProcessAndFile(style: SyntheticTrace.Style) throws {
        let report = try TraceAnalysisRunner.run(.iousage, source: readTrace(style: style), options: AnalysisOptions())
        #expect(
            report.table("iousage-per-process")?.rows.first == [
                .process(name: "dd", pid: 300, tid: nil), .string("[host]"), .size(600), .size(0)
            ])
        let file = try #require(report.table("iousage-per-file")?.rows.first)
        #expect(file[1] == .fileDescriptor(3) && file[3] == .size(600))
        // LTTng decodes the openat filename; ftrace's raw args carry only a pointer.
        #expect(file[2] == (style == .lttng ? .path("/data/in") : .empty))
    }

    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func iolatencyChargesTheInsertingThreadNotTheKworker(style: SyntheticTrace.Style) throws {
        var trace = SyntheticTrace(style: style)
        trace.statedump = Statedump(
            threads: [
                StatedumpThread(
                    tid: 100, pid: 100, ppid: 1, comm: "postgres", namespacePIDs: [100, 7], containerIndex: 0),
                StatedumpThread(tid: 50, pid: 50, ppid: 2, comm: "kworker/0:1")
            ], containers: [StatedumpContainer(runtime: "docker", id: "feedbeef", name: "db", pidNamespace: 4026532600)]
        )
        let disk: Int64 = 8 << 20 | 16
        trace.schedSwitch(at: 500 * microsecond, cpu: 0, prev: (0, "swapper/0"), next: (100, "postgres"))
        trace.schedSwitch(at: 500 * microsecond, cpu: 1, prev: (0, "swapper/1"), next: (50, "kworker/0:1"))
        trace.block(
            "block_rq_insert", at: 1 * millisecond, cpu: 0, current: 100, device: disk, sector: 2048, sectors: 8,
            write: true)
        trace.block(
            "block_rq_issue", at: 2 * millisecond, cpu: 1, current: 50, device: disk, sector: 2048, sectors: 8,
            write: true)
        trace.block(
            "block_rq_complete", at: 5 * millisecond, cpu: 1, current: 0, device: disk, sector: 2048, sectors: 8,
            write: true)
        trace.block(
            "block_rq_issue", at: 6 * millisecond, cpu: 1, current: 50, device: disk, sector: 4096, sectors: 16,
            write: false)
        trace.block(
            "block_rq_complete", at: 7 * millisecond, cpu: 1, current: 0, device: disk, sector: 4096, sectors: 16,
            write: false)
        var options = AnalysisOptions()
        options.statistics = true
        options.log = true
        let report = try TraceAnalysisRunner.run(.iolatency, source: trace, options: options)
        let perDisk = try #require(report.table("iolatency-per-disk"))
        #expect(
            perDisk.rows.map { Array($0.prefix(4)) } == [
                [.disk("8,16"), .string("read"), .size(8192), .integer(1)],
                [.disk("8,16"), .string("write"), .size(4096), .integer(1)]
            ])
        #expect(perDisk.rows[1][5] == .duration(3 * millisecond))
        let perContainer = try #require(report.table("iolatency-per-container"))
        #expect(perContainer.rows.contains { $0[0] == .string("db") && $0[1] == .string("write") })
        #expect(report.table("iolatency-log")?.rows.first?[7] == .process(name: "postgres", pid: 100, tid: 100))
    }

    /// A container that only discarded blocks (fstrim, `rwbs` "DS") read nothing; a flush ("FF")
    /// moves no data.
    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func discardsAndFlushesAreNotReads(style: SyntheticTrace.Style) throws {
        var trace = SyntheticTrace(style: style)
        trace.statedump = Statedump(threads: [StatedumpThread(tid: 100, pid: 100, ppid: 1, comm: "fstrim")])
        let disk: Int64 = 8 << 20 | 16
        trace.schedSwitch(at: 500 * microsecond, cpu: 0, prev: (0, "swapper/0"), next: (100, "fstrim"))
        for index in 0..<3 {
            let sector = Int64(index) * 8192, time = UInt64(index + 1) * millisecond
            trace.block(
                "block_rq_issue", at: time, cpu: 0, current: 100, device: disk, sector: sector, sectors: 8192,
                rwbs: "DS")
            trace.block(
                "block_rq_complete", at: time + 100 * microsecond, cpu: 0, current: 0, device: disk, sector: sector,
                sectors: 8192, rwbs: "DS")
        }
        trace.block(
            "block_rq_issue", at: 5 * millisecond, cpu: 0, current: 100, device: disk, sector: 0, sectors: 0, rwbs: "FF"
        )
        trace.block(
            "block_rq_complete", at: 6 * millisecond, cpu: 0, current: 0, device: disk, sector: 0, sectors: 0,
            rwbs: "FF")
        trace.block(
            "block_rq_issue", at: 7 * millisecond, cpu: 0, current: 100, device: disk, sector: 99, sectors: 8,
            rwbs: "RA")
        trace.block(
            "block_rq_complete", at: 8 * millisecond, cpu: 0, current: 0, device: disk, sector: 99, sectors: 8,
            rwbs: "RA")
        var options = AnalysisOptions()
        options.statistics = true
        let latency = try TraceAnalysisRunner.run(.iolatency, source: trace, options: options)
        let perDisk = try #require(latency.table("iolatency-per-disk"))
        #expect(
            perDisk.rows.map { Array($0.prefix(4)) } == [
                [.disk("8,16"), .string("read"), .size(4096), .integer(1)],
                [.disk("8,16"), .string("discard"), .size(3 * 8192 * 512), .integer(3)],
                [.disk("8,16"), .string("flush"), .size(0), .integer(1)]
            ])
        let usage = try TraceAnalysisRunner.run(.iousage, source: trace, options: AnalysisOptions())
        #expect(
            usage.table("iousage-per-disk")?.rows == [
                [.disk("8,16"), .size(4096), .size(0), .size(3 * 8192 * 512), .integer(5)]
            ])
    }

    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func irqDurationsForHardAndSoftInterrupts(style: SyntheticTrace.Style) throws {
        var trace = SyntheticTrace(style: style)
        trace.hardIRQ(27, name: "virtio2-req.0", cpu: 0, begin: 1 * millisecond, end: 1 * millisecond + 5 * microsecond)
        trace.hardIRQ(
            27, name: "virtio2-req.0", cpu: 1, begin: 2 * millisecond, end: 2 * millisecond + 15 * microsecond)
        trace.softIRQ(
            3, cpu: 0, raise: 3 * millisecond, begin: 3 * millisecond + 4 * microsecond,
            end: 3 * millisecond + 24 * microsecond)
        let report = try TraceAnalysisRunner.run(.irq, source: trace, options: AnalysisOptions())
        let hard = try #require(report.table("hard-irq")?.rows.first)
        #expect(
            Array(hard.prefix(5)) == [
                .irq(hard: true, number: 27, name: "virtio2-req.0"), .integer(2), .duration(5 * microsecond),
                .duration(10 * microsecond), .duration(15 * microsecond)
            ])
        // LTTng's irq_softirq_* and ftrace's softirq_* both count (lttng-analyses only sees the latter).
        let soft = try #require(report.table("soft-irq")?.rows.first)
        #expect(soft[0] == .irq(hard: false, number: 3, name: "NET_RX") && soft[2] == .duration(20 * microsecond))
        #expect(report.table("soft-irq-raise")?.rows.first?[2] == .duration(4 * microsecond))
    }

    @Test(arguments: [SyntheticTrace.Style.lttng, .ftrace])
    func memtopCountsPagesByOrder(style: SyntheticTrace.Style) throws {
        var trace = SyntheticTrace(style: style)
        trace.statedump = Statedump(threads: [StatedumpThread(tid: 300, pid: 300, ppid: 1, comm: "dd")])
        trace.schedSwitch(at: 1 * millisecond, cpu: 0, prev: (0, "swapper/0"), next: (300, "dd"))
        trace.pages(allocated: true, order: 2, at: 2 * millisecond, cpu: 0, current: 300)
        trace.pages(allocated: true, order: 0, at: 3 * millisecond, cpu: 0, current: 300)
        trace.pages(allocated: false, order: 0, at: 4 * millisecond, cpu: 0, current: 300)
        let report = try TraceAnalysisRunner.run(.memtop, source: trace, options: AnalysisOptions())
        #expect(
            report.table("memtop-per-tid")?.rows.first == [
                .process(name: "dd", pid: 300, tid: 300), .string("[host]"), .integer(5), .integer(1)
            ])
        #expect(report.table("memtop-total")?.rows.first == [.integer(5), .integer(1)])
        // --count events: one per event, as lttng-memtop counts.
        var options = AnalysisOptions()
        options.memoryCount = .events
        let events = try TraceAnalysisRunner.run(.memtop, source: trace, options: options)
        #expect(events.table("memtop-total")?.rows.first == [.integer(2), .integer(1)])
        #expect(events.table("memtop-total")?.tableClass.columns.map(\.title) == ["Allocations", "Frees"])
    }

    @Test func lostEventsAreReported() throws {
        var trace = readTrace(style: .ftrace)
        trace.lostEvents = [(cpu: 0, count: 42, before: 3 * millisecond)]
        let report = try TraceAnalysisRunner.run(.syscalls, source: trace, options: AnalysisOptions())
        #expect(report.lostEvents == 42)
        #expect(report.notes.contains { $0.contains("lost 42 events") })
    }

    @Test("events dropped on full buffers, counted only by the capture's statistics, are reported")
    func captureCountedLossesAreReported() throws {
        var trace = readTrace(style: .ftrace)
        trace.captureLostEventCount = 7
        let report = try TraceAnalysisRunner.run(.syscalls, source: trace, options: AnalysisOptions())
        #expect(report.lostEvents == 7)
        #expect(report.notes.contains { $0.contains("lost 7 events") })
        // The same losses seen both ways are counted once.
        trace.lostEvents = [(cpu: 0, count: 5, before: 3 * millisecond)]
        #expect(try TraceAnalysisRunner.run(.syscalls, source: trace, options: AnalysisOptions()).lostEvents == 7)
    }

    @Test func missingEventClassesAreExplained() throws {
        let report = try TraceAnalysisRunner.run(
            .iolatency, source: readTrace(style: .lttng), options: AnalysisOptions())
        #expect(report.notes.contains { $0.contains("no blockIssue/blockInsert events") })
    }
}
