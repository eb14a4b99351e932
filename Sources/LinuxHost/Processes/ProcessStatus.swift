/// The fields of /proc/PID/status that stat does not have: namespace-relative ids
/// and context switch counts.
public struct ProcessStatus: Sendable, Equatable, Codable {
    public var threadGroupID: Int32 = 0
    public var pid: Int32 = 0
    public var parentPID: Int32 = 0
    /// Real, effective, saved and filesystem UIDs.
    public var userIDs: [UInt32] = []
    /// The thread group id at each PID namespace level, outermost (the reader's) first.
    public var namespaceThreadGroupIDs: [Int32] = []
    /// The thread id at each PID namespace level, outermost first; the last entry is the
    /// id the task has in its own namespace (e.g. 1 for a container's init).
    public var namespacePIDs: [Int32] = []
    public var threadCount: Int64 = 0
    public var residentSetBytes: UInt64?
    public var voluntaryContextSwitches: UInt64 = 0
    /// Preemptions: rising counts in a capped container are the second throttling signal.
    public var involuntaryContextSwitches: UInt64 = 0

    public init() {}

    /// Parses the bytes of a status file. Unknown keys are ignored; missing keys keep defaults
    /// (old kernels have no NSpid line).
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(HostReadError) -> ProcessStatus {
        var status = ProcessStatus()
        var scanner = ByteScanner(bytes)
        var sawPid = false
        while !scanner.isAtEnd {
            let lineStart = scanner.offset
            guard let colon = UnsafeRawBufferPointer(rebasing: bytes[lineStart...]).firstIndex(of: .colon) else {
                break
            }
            let key = lineStart..<(lineStart + colon)
            scanner.seek(to: key.upperBound + 1)
            if scanner.matches(key, "Tgid") {
                status.threadGroupID = Int32(truncatingIfNeeded: scanner.readInt64() ?? 0)
            } else if scanner.matches(key, "Pid") {
                status.pid = Int32(truncatingIfNeeded: scanner.readInt64() ?? 0)
                sawPid = true
            } else if scanner.matches(key, "PPid") {
                status.parentPID = Int32(truncatingIfNeeded: scanner.readInt64() ?? 0)
            } else if scanner.matches(key, "Uid") {
                status.userIDs = readList(&scanner).map { UInt32(truncatingIfNeeded: $0) }
            } else if scanner.matches(key, "NStgid") {
                status.namespaceThreadGroupIDs = readList(&scanner).map { Int32(truncatingIfNeeded: $0) }
            } else if scanner.matches(key, "NSpid") {
                status.namespacePIDs = readList(&scanner).map { Int32(truncatingIfNeeded: $0) }
            } else if scanner.matches(key, "Threads") {
                status.threadCount = scanner.readInt64() ?? 0
            } else if scanner.matches(key, "VmRSS") {
                status.residentSetBytes = scanner.readUInt64().map { $0 * 1024 }
            } else if scanner.matches(key, "voluntary_ctxt_switches") {
                status.voluntaryContextSwitches = scanner.readUInt64() ?? 0
            } else if scanner.matches(key, "nonvoluntary_ctxt_switches") {
                status.involuntaryContextSwitches = scanner.readUInt64() ?? 0
            }
            scanner.skipLine()
        }
        guard sawPid else { throw HostReadError(path: path, malformed: "no Pid line") }
        if status.namespacePIDs.isEmpty { status.namespacePIDs = [status.pid] }
        if status.namespaceThreadGroupIDs.isEmpty { status.namespaceThreadGroupIDs = [status.threadGroupID] }
        return status
    }

    private static func readList(_ scanner: inout ByteScanner) -> [Int64] {
        var values: [Int64] = []
        while let value = scanner.readInt64() { values.append(value) }
        return values
    }
}
