/// The executable mappings of one process, from `/proc/PID/maps`.
package struct ProcessMappings: Sendable {
    /// One `start-end perms offset dev inode path` line with `x` permission.
    package struct Mapping: Sendable, Equatable {
        package var start: UInt64
        package var end: UInt64
        /// The file offset mapped at `start`.
        package var fileOffset: UInt64
        /// The inode (0 for anonymous memory).
        package var inode: UInt64
        /// The path as the kernel shows it inside the process's mount namespace; empty for
        /// anonymous memory, `[vdso]` and friends for special mappings.
        package var path: String
    }

    /// Executable mappings, ascending by start.
    package let mappings: [Mapping]

    /// Parses maps text; lines that do not parse are skipped (the file is from the kernel,
    /// but a process may exit mid-read and leave a truncated line).
    package init(parsing text: String) {
        var found: [Mapping] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[1].count >= 3, fields[1].dropFirst(2).first == "x" else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16),
                start < end,
                let offset = UInt64(fields[2], radix: 16), let inode = UInt64(fields[4])
            else { continue }
            let path = fields.count > 5 ? String(fields[5].drop { $0 == " " }) : ""
            found.append(Mapping(start: start, end: end, fileOffset: offset, inode: inode, path: path))
        }
        mappings = found.sorted { $0.start < $1.start }
    }

    /// The mapping containing `address`.
    package func mapping(containing address: UInt64) -> Mapping? {
        guard let index = mappings.lastIndex(startingAtOrBelow: address, start: \.start), address < mappings[index].end
        else { return nil }
        return mappings[index]
    }
}
