/// A kernel CPU list such as `0-3,8,10-11` (`cpuset.cpus`, `/sys/devices/system/cpu/online`).
public struct CPUList: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The CPU numbers, ascending, each once.
    public var cpus: [Int]

    /// A list of `cpus`, sorted and without duplicates.
    public init(cpus: [Int]) { self.cpus = Array(Set(cpus)).sorted() }

    /// How many CPUs the list names.
    public var count: Int { cpus.count }

    /// Back in kernel form, ranges collapsed: `0-3,8`.
    public var description: String {
        var parts: [String] = []
        var index = 0
        while index < cpus.count {
            var end = index
            while end + 1 < cpus.count, cpus[end + 1] == cpus[end] + 1 { end += 1 }
            parts.append(end == index ? "\(cpus[index])" : "\(cpus[index])-\(cpus[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// Parses a list; an empty file (a cpuset with no CPUs assigned yet) is an empty list.
    /// Ranges wider than `maximumCPUs` are refused: the list may come from a container.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, path: String, maximumCPUs: Int = 65_536
    ) throws(HostReadError) -> CPUList {
        var scanner = ByteScanner(bytes)
        var cpus: [Int] = []
        while let byte = scanner.peek, byte != .newline {
            guard let first = scanner.readUInt64() else {
                throw HostReadError(path: path, malformed: "expected a CPU number")
            }
            var last = first
            if scanner.skip(UInt8(ascii: "-")) {
                guard let end = scanner.readUInt64(), end >= first else {
                    throw HostReadError(path: path, malformed: "bad CPU range")
                }
                last = end
            }
            guard last < UInt64(maximumCPUs) else {
                throw HostReadError(path: path, malformed: "CPU number above \(maximumCPUs)")
            }
            cpus.append(contentsOf: Int(first)...Int(last))
            guard scanner.skip(UInt8(ascii: ",")) else { break }
        }
        return CPUList(cpus: cpus)
    }
}

extension CPUList {
    /// The host's online CPUs (`devices/system/cpu/online` under `sysRoot`).
    public static func online(
        sysRoot: String = "/sys", reader: KernelFileReader = KernelFileReader()
    ) throws(HostReadError) -> CPUList {
        let path = sysRoot + "/devices/system/cpu/online"
        return try reader.withContents(of: path) { bytes throws(HostReadError) in try CPUList.parse(bytes, path: path) }
    }
}
