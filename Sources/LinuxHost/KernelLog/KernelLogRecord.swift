/// One record of the kernel log as /dev/kmsg gives it (Documentation/ABI/testing/dev-kmsg):
/// `PRIORITY,SEQUENCE,TIMESTAMP_US,FLAGS;MESSAGE` then optional ` KEY=VALUE` lines.
public struct KernelLogRecord: Sendable, Equatable, Codable {
    /// syslog level 0 (emerg) to 7 (debug).
    public var level: Int
    /// syslog facility (0 = kernel).
    public var facility: Int
    /// The record's sequence number; a gap means records were overwritten before being read.
    public var sequence: UInt64
    /// Microseconds since boot (the kernel's local clock, close to CLOCK_MONOTONIC).
    public var timestampMicroseconds: UInt64
    /// The message text (escaped non-printable bytes left as the kernel wrote them).
    public var message: String
    /// Dictionary lines (`SUBSYSTEM=block`, `DEVICE=b8:0`).
    public var properties: [String: String]

    /// Creates a value from its fields.
    public init(
        level: Int, facility: Int = 0, sequence: UInt64, timestampMicroseconds: UInt64, message: String,
        properties: [String: String] = [:]
    ) {
        self.level = level
        self.facility = facility
        self.sequence = sequence
        self.timestampMicroseconds = timestampMicroseconds
        self.message = message
        self.properties = properties
    }

    /// Parses one record as returned by one read(2) of /dev/kmsg.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, path: String = "/dev/kmsg"
    ) throws(HostReadError) -> KernelLogRecord {
        guard let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) else {
            throw HostReadError(path: path, malformed: "record without ';'")
        }
        // The header fields are separated by commas; read them as numbers between commas.
        var numbers: [UInt64] = []
        var scanner = ByteScanner(UnsafeRawBufferPointer(rebasing: bytes[..<semicolon]))
        while numbers.count < 3, let number = scanner.readUInt64() {
            numbers.append(number)
            guard scanner.peek == UInt8(ascii: ",") else { break }
            scanner.seek(to: scanner.offset + 1)
        }
        guard numbers.count == 3 else {
            throw HostReadError(path: path, malformed: "record header is not PRIORITY,SEQUENCE,TIMESTAMP")
        }
        let (priority, sequence, timestamp) = (numbers[0], numbers[1], numbers[2])
        var body = ByteScanner(bytes, offset: semicolon + 1)
        let message = body.string(body.readLineRange())
        var properties: [String: String] = [:]
        while !body.isAtEnd {
            let line = body.readLineRange()
            guard line.count > 1, bytes[line.lowerBound] == .space,
                let equals = UnsafeRawBufferPointer(rebasing: bytes[line]).firstIndex(of: UInt8(ascii: "="))
            else { continue }
            let key = body.string(line.lowerBound + 1..<line.lowerBound + equals)
            properties[key] = body.string(line.lowerBound + equals + 1..<line.upperBound)
        }
        return KernelLogRecord(
            level: Int(priority & 7), facility: Int(priority >> 3), sequence: sequence,
            timestampMicroseconds: timestamp, message: message, properties: properties)
    }
}
