#if canImport(Glibc)
import Glibc
#endif

/// Walks the events of one CPU's ring-buffer pages (a cpuN.raw file, mapped): the page
/// header, then 4-byte event headers whose `type_len` says what follows. Data events
/// (type_len 1...28: that many 4-byte words; 0: a 32-bit length first) carry a 27-bit time
/// delta; time-extend records (30) carry the high bits of a larger delta; absolute
/// timestamps (31) replace the time; padding (29) is skipped, and with a zero delta ends the
/// page. Every length is checked against the page's committed data, so corrupt input ends
/// in a `RingBufferDecodeError`, never an out-of-bounds read or an endless loop: each step
/// moves at least 4 bytes forward.
///
/// Reads bytes little-endian (the byte order of every kernel Periscope records on).
public struct RingBufferCursor {
    public let cpu: Int
    public let layout: RingBufferPageLayout
    private let base: UnsafeRawPointer?
    private let byteCount: Int
    private var nextPageStart = 0
    private var position = 0
    private var dataEnd = 0

    /// The current event's time on the trace clock, ns.
    public private(set) var timestamp: UInt64 = 0
    /// The current event's payload (starting with `common_type`).
    public private(set) var payload: UnsafeRawPointer?
    public private(set) var payloadLength = 0
    /// Byte offset of the current event's header in the stream.
    public private(set) var eventOffset = 0
    /// Events the kernel lost before the current page, not yet taken by `takeLostEvents`.
    public private(set) var pendingLostEvents: UInt64 = 0
    public private(set) var pageCount = 0
    /// For a mapped file: the bytes before this offset were handed back to the kernel.
    private var releasedBytes = 0
    private let releasesPassedPages: Bool

    /// Bytes passed before they are released at once: one madvise per 4 MiB costs nothing next
    /// to decoding them, and keeps a reader's resident pages bounded whatever the file's size.
    static let releaseChunkBytes = 4 << 20

    /// `releasesPassedPages`: `bytes` is a read-only file mapping (page aligned) whose pages
    /// can be dropped once the cursor has left them (`madvise(MADV_DONTNEED)`); never for
    /// memory the process owns, which that would zero.
    public init(
        cpu: Int, bytes: UnsafeRawBufferPointer, layout: RingBufferPageLayout, releasesPassedPages: Bool = false
    ) {
        self.cpu = cpu
        self.layout = layout
        self.base = bytes.baseAddress
        self.byteCount = bytes.count
        self.releasesPassedPages = releasesPassedPages
    }

    /// Returns and clears the lost-event count announced by page headers so far.
    public mutating func takeLostEvents() -> UInt64 {
        defer { pendingLostEvents = 0 }
        return pendingLostEvents
    }

    /// Moves to the next data event. Returns false at the end of the stream.
    @inline(__always)
    public mutating func next() throws(RingBufferDecodeError) -> Bool {
        while true {
            if position >= dataEnd {
                guard try loadNextPage() else { return false }
                continue
            }
            guard dataEnd - position >= 4, let base else { throw error(.truncatedEventHeader) }
            let header = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
            let typeLength = Int(header & 31)
            let delta = UInt64(header >> 5)
            switch typeLength {
            case 1...28:
                let length = typeLength << 2
                guard dataEnd - position - 4 >= length else { throw error(.eventLengthOutOfPage(length: length)) }
                timestamp &+= delta
                eventOffset = position
                payload = base + position + 4
                payloadLength = length
                position += 4 + length
                return true
            case 0:
                guard dataEnd - position >= 8 else { throw error(.truncatedEventHeader) }
                let length = Int(base.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self))
                let aligned = (length + 3) & ~3
                guard length >= 4, dataEnd - position - 4 >= aligned else {
                    throw error(.eventLengthOutOfPage(length: length))
                }
                timestamp &+= delta
                eventOffset = position
                payload = base + position + 8
                payloadLength = length - 4
                position += 4 + aligned
                return true
            case 29:
                // Padding: a discarded event (length in array[0]), or with delta 0 the rest of the page.
                if delta == 0 {
                    position = dataEnd
                    continue
                }
                guard dataEnd - position >= 8 else { throw error(.truncatedEventHeader) }
                let length = Int(base.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self))
                guard dataEnd - position - 4 >= length else { throw error(.eventLengthOutOfPage(length: length)) }
                position += 4 + max(length, 4)
            case 30:
                guard dataEnd - position >= 8 else { throw error(.truncatedEventHeader) }
                let high = UInt64(base.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self))
                timestamp &+= (high << 27) | delta
                position += 8
            default:
                guard dataEnd - position >= 8 else { throw error(.truncatedEventHeader) }
                let high = UInt64(base.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self))
                timestamp = Self.absoluteTimestamp((high << 27) | delta, current: timestamp)
                position += 8
            }
        }
    }

    /// The kernel stores 59 bits of an absolute timestamp; the top 5 come from the current
    /// time (rb_fix_abs_ts).
    static func absoluteTimestamp(_ stored: UInt64, current: UInt64) -> UInt64 {
        let topBits: UInt64 = 0xf8 << 56
        guard current & topBits != 0 else { return stored }
        var value = stored | (current & topBits)
        if value < current { value &+= 1 << 59 }
        return value
    }

    private mutating func loadNextPage() throws(RingBufferDecodeError) -> Bool {
        let pageStart = nextPageStart
        guard pageStart < byteCount, let base else { return false }
        guard byteCount - pageStart >= layout.pageSize else {
            throw RingBufferDecodeError(
                cpu: cpu, offset: pageStart, reason: .truncatedPage(bytes: byteCount - pageStart))
        }
        nextPageStart += layout.pageSize
        pageCount += 1
        if releasesPassedPages && pageStart - releasedBytes >= Self.releaseChunkBytes {
            releasePages(before: pageStart)
        }
        timestamp = base.loadUnaligned(fromByteOffset: pageStart, as: UInt64.self)
        let commit =
            layout.commitSize == 4
            ? UInt64(base.loadUnaligned(fromByteOffset: pageStart + layout.commitOffset, as: UInt32.self))
            : base.loadUnaligned(fromByteOffset: pageStart + layout.commitOffset, as: UInt64.self)
        let size = Int(commit & RingBufferPageLayout.commitSizeMask)
        guard layout.dataOffset + size <= layout.pageSize else {
            throw RingBufferDecodeError(cpu: cpu, offset: pageStart, reason: .commitBeyondPage(commit: commit))
        }
        if commit & RingBufferPageLayout.missedEventsFlag != 0 {
            let countOffset = pageStart + layout.dataOffset + size
            if commit & RingBufferPageLayout.missedCountStoredFlag != 0, countOffset + 8 <= pageStart + layout.pageSize
            {
                pendingLostEvents &+= base.loadUnaligned(fromByteOffset: countOffset, as: UInt64.self)
            } else {
                // Lost, count not recorded: at least one.
                pendingLostEvents &+= 1
            }
        }
        position = pageStart + layout.dataOffset
        dataEnd = position + size
        return true
    }

    /// Drops the mapped pages before `offset` (rounded down to a memory page): the events the
    /// consumer saw there are gone, the current page is kept. Out of line: it runs once per
    /// 4 MiB and must not weigh on the page walk that inlines into the decode loop.
    @inline(never)
    private mutating func releasePages(before offset: Int) {
        let end = offset & ~(4096 - 1)
        guard end > releasedBytes, let base else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + releasedBytes), end - releasedBytes, MADV_DONTNEED)
        releasedBytes = end
    }

    private func error(_ reason: RingBufferDecodeError.Reason) -> RingBufferDecodeError {
        RingBufferDecodeError(cpu: cpu, offset: position, reason: reason)
    }
}
