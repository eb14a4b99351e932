import Testing
@testable import KernelTrace

/// ftrace's `rwbs` text (the kernel's `blk_fill_rwbs`) against LTTng's `RWBS_FLAG_*` bit mask
/// (lttng-modules `include/instrumentation/events/block.h`), case by case.
@Suite("block request flags")
struct BlockRequestFlagsTests {
    static let cases: [(text: String, lttng: UInt64, operation: BlockOperation)] = [
        ("R", 4, .read),
        ("RA", 4 | 8, .read),
        ("RM", 4 | 64, .read),
        ("W", 1, .write),
        ("WS", 1 | 32, .write),
        ("WFS", 1 | 512 | 32, .write),  // FUA after the operation
        ("FWS", 1024 | 1 | 32, .write),  // preflush before it
        ("FWFS", 1024 | 1 | 512 | 32, .write),
        ("WSM", 1 | 32 | 64, .write),
        ("D", 2, .discard),
        ("DS", 2 | 32, .discard),
        ("DE", 2 | 128, .discard),  // secure erase
        ("F", 256, .flush),
        ("FF", 1024 | 256, .flush),  // blk-flush's flush request: REQ_OP_FLUSH | REQ_PREFLUSH
        ("FFS", 1024 | 256 | 32, .flush),
        ("FN", 1024, .flush),
        ("N", 0, .other),
        ("WSU", 1 | 32, .write),  // atomic (6.11+) has no LTTng flag
        ("", 0, .other)
    ]

    @Test(arguments: cases)
    func ftraceTextBecomesLTTngFlags(_ entry: (text: String, lttng: UInt64, operation: BlockOperation)) {
        let flags = Array(entry.text.utf8).withUnsafeBytes { BlockRequestFlags(ftraceText: $0) }
        #expect(flags.rawValue == entry.lttng, "\(entry.text)")
        #expect(flags.operation == entry.operation, "\(entry.text)")
        // The NUL padding of ftrace's fixed-size char[8] field is not part of the text.
        let padded = (Array(entry.text.utf8) + [0, 0, 0]).withUnsafeBytes { BlockRequestFlags(ftraceText: $0) }
        #expect(padded == flags)
    }

    @Test("LTTng traces of kernels before 4.8 mark a write with a cache flush as write | flush")
    func oldFlushModifierIsAWrite() {
        #expect(BlockRequestFlags(rawValue: 289).operation == .write)
        #expect(BlockRequestFlags(rawValue: 0).operation == .other)
    }
}
