/// The lines of /proc/meminfo that `free` and vmstat show, converted from kB to bytes.
public struct MemoryInfo: Sendable, Equatable, Codable {
    /// `MemTotal`: usable RAM.
    public var totalBytes: UInt64 = 0
    /// `MemFree`: unused RAM.
    public var freeBytes: UInt64 = 0
    /// The kernel's estimate of memory available without swapping (`MemAvailable`, 3.14+).
    public var availableBytes: UInt64?
    /// `Buffers`: block device cache.
    public var buffersBytes: UInt64 = 0
    /// Page cache (`Cached`), shmem included.
    public var cachedBytes: UInt64 = 0
    /// `SwapCached`: swapped pages also still in RAM.
    public var swapCachedBytes: UInt64 = 0
    /// `SwapTotal`.
    public var swapTotalBytes: UInt64 = 0
    /// `SwapFree`.
    public var swapFreeBytes: UInt64 = 0
    /// tmpfs and shared memory (`Shmem`).
    public var shmemBytes: UInt64 = 0
    /// Reclaimable slab (`SReclaimable`), which `free` counts in buff/cache.
    public var reclaimableSlabBytes: UInt64 = 0
    /// `Dirty`: page cache waiting to be written.
    public var dirtyBytes: UInt64 = 0
    /// `Writeback`: page cache being written.
    public var writebackBytes: UInt64 = 0

    /// An empty value that the parsers fill in.
    public init() {}

    /// What `free` shows as used: total − free − buffers − cache − reclaimable slab.
    public var usedBytes: UInt64 {
        let reclaimable = buffersBytes &+ cachedBytes &+ reclaimableSlabBytes &+ freeBytes
        return totalBytes > reclaimable ? totalBytes - reclaimable : 0
    }

    /// Parses /proc/meminfo (`Key:   N kB` lines).
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> MemoryInfo {
        var info = MemoryInfo()
        var sawTotal = false
        var scanner = ByteScanner(bytes)
        while !scanner.isAtEnd {
            defer { scanner.skipLine() }
            let start = scanner.offset
            while let byte = scanner.peek, byte != .colon, byte != .newline { scanner.seek(to: scanner.offset + 1) }
            let key = start..<scanner.offset
            guard scanner.skip(.colon), let kilobytes = scanner.readUInt64() else { continue }
            let bytes = kilobytes &* 1024
            if scanner.matches(key, "MemTotal") {
                info.totalBytes = bytes; sawTotal = true
            } else if scanner.matches(key, "MemFree") {
                info.freeBytes = bytes
            } else if scanner.matches(key, "MemAvailable") {
                info.availableBytes = bytes
            } else if scanner.matches(key, "Buffers") {
                info.buffersBytes = bytes
            } else if scanner.matches(key, "Cached") {
                info.cachedBytes = bytes
            } else if scanner.matches(key, "SwapCached") {
                info.swapCachedBytes = bytes
            } else if scanner.matches(key, "SwapTotal") {
                info.swapTotalBytes = bytes
            } else if scanner.matches(key, "SwapFree") {
                info.swapFreeBytes = bytes
            } else if scanner.matches(key, "Shmem") {
                info.shmemBytes = bytes
            } else if scanner.matches(key, "SReclaimable") {
                info.reclaimableSlabBytes = bytes
            } else if scanner.matches(key, "Dirty") {
                info.dirtyBytes = bytes
            } else if scanner.matches(key, "Writeback") {
                info.writebackBytes = bytes
            }
        }
        guard sawTotal else { throw HostReadError(path: path, malformed: "no MemTotal line") }
        return info
    }
}
