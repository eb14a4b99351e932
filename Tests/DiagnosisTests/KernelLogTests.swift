import LinuxHost
import ResourceMetrics
import Testing

/// /dev/kmsg records and their classification, on messages as this kernel prints them.
@Suite struct KernelLogTests {
    static func record(_ text: String) throws -> KernelLogRecord {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBytes { try KernelLogRecord.parse(UnsafeRawBufferPointer($0)) }
    }

    @Test("a record's header, message and dictionary lines")
    func parse() throws {
        let record = try Self.record(
            "3,4838,10606931334,-;blk_update_request: I/O error, dev loop0, sector 0 op 0x1:(WRITE)\n SUBSYSTEM=block\n DEVICE=b7:0\n"
        )
        #expect(record.level == 3)
        #expect(record.facility == 0)
        #expect(record.sequence == 4838)
        #expect(record.timestampMicroseconds == 10_606_931_334)
        #expect(record.message == "blk_update_request: I/O error, dev loop0, sector 0 op 0x1:(WRITE)")
        #expect(record.properties == ["SUBSYSTEM": "block", "DEVICE": "b7:0"])
        #expect(throws: HostReadError.self) { try Self.record("garbage without header") }
        #expect(throws: HostReadError.self) { try Self.record("6,12;no timestamp") }
    }

    @Test("OOM kill lines become one event with the killed task's cgroup")
    func oomKill() throws {
        let records = try [
            "4,100,5000000,-;sh invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
            "6,101,5000100,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=abc,mems_allowed=0,oom_memcg=/docker/abc,task_memcg=/docker/abc,task=dd,pid=4242,uid=0",
            "3,102,5000200,-;Memory cgroup out of memory: Killed process 4242 (dd) total-vm:136000kB, anon-rss:64000kB, file-rss:0kB"
        ].map(Self.record)
        let events = KernelLogEvent.classify(records)
        #expect(events.count == 1)
        #expect(events[0].kind == .oomKill)
        #expect(events[0].pid == 4242)
        #expect(events[0].comm == "dd")
        #expect(events[0].cgroupPath == "/docker/abc")
        #expect(events[0].secondsSinceBoot == 5.0001)
    }

    @Test("hung tasks, I/O errors and other errors")
    func otherKinds() throws {
        let records = try [
            "3,1,1,-;INFO: task jbd2/vda1-8:312 blocked for more than 120 seconds.",
            "3,2,2,-;Buffer I/O error on dev loop3, logical block 0, lost async page write",
            "3,3,3,-;EXT4-fs error (device vda1): something",
            "6,4,4,-;docker0: port 2(veth55347ad) entered forwarding state"
        ].map(Self.record)
        let events = KernelLogEvent.classify(records)
        #expect(events.map(\.kind) == [.hungTask, .ioError, .error])
        #expect(events[0].comm == "jbd2/vda1-8")
        #expect(events[0].pid == 312)
        #expect(events[1].device == "loop3")
    }

    @Test("the kernel stack text drops addresses and offsets")
    func stack() {
        let text =
            "[<0>] io_schedule+0x12/0x40\n[<0>] blkdev_direct_IO+0x3a1/0x8b0\n[<0>] entry_SYSCALL_64_after_hwframe+0x76/0x7e\n"
        let frames = Array(text.utf8).withUnsafeBytes { KernelStackText.functions($0, maximumFrames: 2) }
        #expect(frames == ["io_schedule", "blkdev_direct_IO"])
    }
}
