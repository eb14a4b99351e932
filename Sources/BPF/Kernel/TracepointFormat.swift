/// A tracepoint's id and field layout, from tracefs (`events/<subsystem>/<event>/{id,format}`).
///
/// Periscope's programs read tracepoint records at fixed offsets; before loading them the
/// offsets are checked against the running kernel's format file, so a kernel that moved a
/// field is refused with a message instead of feeding wrong numbers.
package struct TracepointFormat: Sendable, Equatable {
    /// A field of the record: where it is and how wide.
    package struct Field: Sendable, Equatable, CustomStringConvertible {
        package var name: String
        package var offset: Int
        package var byteCount: Int

        package init(name: String, offset: Int, byteCount: Int) {
            self.name = name
            self.offset = offset
            self.byteCount = byteCount
        }

        package var description: String { "offset \(offset), \(byteCount) bytes" }
    }

    package var fields: [Field]

    /// Parses a format file's `field:TYPE NAME;	offset:N;	size:N;	...` lines.
    package init(parsing text: String) {
        fields = text.split(separator: "\n").compactMap { line -> Field? in
            let parts = line.split(separator: ";").map { $0.drop { $0 == " " || $0 == "\t" } }
            guard parts.count >= 3, parts[0].hasPrefix("field:"), parts[1].hasPrefix("offset:"),
                parts[2].hasPrefix("size:"),
                let offset = Int(parts[1].dropFirst("offset:".count)),
                let size = Int(parts[2].dropFirst("size:".count)),
                var name = parts[0].split(separator: " ").last
            else { return nil }
            if let bracket = name.firstIndex(of: "[") { name = name[..<bracket] }
            return Field(name: String(name), offset: offset, byteCount: size)
        }
    }

    /// Reads the format of `subsystem:event`.
    package static func read(
        subsystem: String, event: String, tracefs: String = "/sys/kernel/tracing"
    ) throws(BPFError) -> TracepointFormat {
        let path = "\(tracefs)/events/\(subsystem)/\(event)/format"
        guard let text = readSmallFile(path) else {
            throw .tracepointMissing(subsystem: subsystem, event: event, path: path)
        }
        return TracepointFormat(parsing: text)
    }

    /// The perf event id of `subsystem:event` (PERF_TYPE_TRACEPOINT's config).
    static func identifier(subsystem: String, event: String, tracefs: String) throws(BPFError) -> UInt64 {
        let path = "\(tracefs)/events/\(subsystem)/\(event)/id"
        guard let text = readSmallFile(path), let identifier = UInt64(text.split(separator: "\n").first ?? "") else {
            throw .tracepointMissing(subsystem: subsystem, event: event, path: path)
        }
        return identifier
    }

    /// Throws when a field the program reads is missing or elsewhere on this kernel.
    package func require(_ expected: [Field], event: String) throws(BPFError) {
        for field in expected {
            guard let found = fields.first(where: { $0.name == field.name }) else {
                throw .tracepointLayoutChanged(
                    event: event, field: field.name, expected: field.description, found: "absent")
            }
            guard found == field else {
                throw .tracepointLayoutChanged(
                    event: event, field: field.name, expected: field.description, found: found.description)
            }
        }
    }
}
