import Foundation
import Testing
@testable import KernelTrace

private let ctfExtractionRoot = NSTemporaryDirectory() + "periscope-ctf-\(getpid())"

/// The real LTTng traces in `shared/traces/lttng-ref` (beside the repository), extracted once
/// per test run into a temporary directory, and babeltrace2 as the reference decoder.
enum CTFReferenceTraces {
    static let archiveDirectory: String = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../..").standardized
        if let override = ProcessInfo.processInfo.environment["PERISCOPE_LTTNG_REF_TRACES"] { return override }
        return repository.appendingPathComponent("../shared/traces/lttng-ref").standardized.path
    }()

    static let available = FileManager.default.fileExists(atPath: archiveDirectory + "/basic-kernel-analysis.tar.xz")
    static let babeltraceAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/babeltrace2")
    static let reason: Comment = "needs shared/traces/lttng-ref beside the repository"
    static let babeltraceReason: Comment =
        "needs the reference traces and babeltrace2 (scripts/test-setup.sh installs it)"

    private static let extractionRoot: String = {
        try? FileManager.default.createDirectory(atPath: ctfExtractionRoot, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ctfExtractionRoot) }
        return ctfExtractionRoot
    }()

    private static let lock = NSLock()

    /// The extracted trace directory of `name` (`basic-kernel-analysis`, `16-cores-rt`, `picotrace`).
    static func extracted(_ name: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let path = extractionRoot + "/" + name
        if !FileManager.default.fileExists(atPath: path) {
            let result = try run(["/usr/bin/tar", "-xJf", archiveDirectory + "/\(name).tar.xz", "-C", extractionRoot])
            #expect(result.status == 0, "tar failed: \(result.error)")
        }
        return path
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }
}

/// Collects every event of a source as comparable text, rendered the way babeltrace2's text
/// sink prints top-level scalar fields.
struct RenderingConsumer: EventConsumer {
    var lines: [String] = []
    var lost: UInt64 = 0
    var began = false
    var ended = false

    mutating func begin(_ trace: TraceDescription) { began = true }

    mutating func consume(_ record: EventRecord) {
        lines.append(Self.render(record))
    }

    mutating func eventsLost(cpu: Int, count: UInt64, before timestamp: UInt64) { lost += count }

    mutating func end(at timestamp: UInt64) { ended = true }

    static func seconds(_ timestamp: UInt64) -> String {
        let fraction = String(timestamp % 1_000_000_000)
        return "\(timestamp / 1_000_000_000).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
    }

    /// `SECONDS NAME cpu=N key=value ...` with only top-level scalar and string fields.
    static func render(_ record: EventRecord) -> String {
        var text = "\(seconds(record.timestamp)) \(record.eventClass.name) cpu_id=\(record.cpu)"
        for (index, field) in record.eventClass.fields.enumerated() where !field.name.contains(".") {
            guard record.isPresent(index), let value = value(record, index, field) else { continue }
            text += " \(field.name)=\(value)"
        }
        return text
    }

    static func value(_ record: EventRecord, _ index: Int, _ field: EventFieldDescription) -> String? {
        switch field.kind {
        case .signedInteger: return integer(record.unsigned(index), signed: true, base: field.displayBase)
        case .unsignedInteger: return integer(record.unsigned(index), signed: false, base: field.displayBase)
        case .enumeration(let signed):
            let value = record.unsigned(index)
            let label = field.enumerationLabel(for: Int64(bitPattern: value)).map { "\"\($0)\"" } ?? "<unknown>"
            return "( \(label) : container = \(integer(value, signed: signed, base: field.displayBase)) )"
        case .string: return "\"\(escaped(record.string(index)))\""
        case .floatingPoint, .bytes, .integerArray, .compound: return nil
        }
    }

    /// babeltrace2 prints control characters as C escapes.
    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x27 || $0 == 0x22 || $0 == 0x5C }) else { return text }
        return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\r", with: "\\r")
            .replacingOccurrences(of: "'", with: "\\'").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// Whether two renderings differ only where periscope decoded an empty string and
    /// babeltrace2 2.0.4 printed the field's previous value instead (its CTF decoder does not
    /// reset a string field that is empty; checked byte by byte in the trace).
    static func differOnlyByBabeltraceEmptyStringQuirk(_ mine: String, _ theirs: String) -> Bool {
        var masked = theirs
        var searchFrom = mine.startIndex
        while let empty = mine.range(of: "=\"\"", range: searchFrom..<mine.endIndex) {
            let nameStart =
                mine[..<empty.lowerBound].lastIndex(of: " ").map { mine.index(after: $0) } ?? mine.startIndex
            let key = " " + mine[nameStart..<empty.lowerBound] + "=\""
            if let start = masked.range(of: key), let end = masked[start.upperBound...].range(of: "\"") {
                masked.replaceSubrange(start.upperBound..<end.lowerBound, with: "")
            }
            searchFrom = empty.upperBound
        }
        return masked == mine
    }

    static func integer(_ bits: UInt64, signed: Bool, base: Int) -> String {
        if base == 16 { return "0x" + String(bits, radix: 16, uppercase: true) }
        if base == 8 { return "0" + String(bits, radix: 8) }
        return signed ? String(Int64(bitPattern: bits)) : String(bits)
    }

    /// The same rendering parsed from one babeltrace2 `--clock-seconds --no-delta` line.
    static func renderBabeltraceLine(_ line: Substring) -> String? {
        // [SECONDS] HOST? NAME: { cpu_id = N }, { fields }   (picotrace has no host and no cpu block)
        guard line.first == "[", let close = line.firstIndex(of: "]") else { return nil }
        let seconds = line[line.index(after: line.startIndex)..<close]
        var rest = line[line.index(after: close)...].drop { $0 == " " }
        guard let colon = rest.range(of: ": ") else { return nil }
        let name = rest[..<colon.lowerBound].split(separator: " ").last.map(String.init) ?? ""
        rest = rest[colon.upperBound...]
        var pairs: [(String, String)] = []
        for block in topLevel(rest, separator: ",", opening: "{", closing: "}") {
            let trimmed = block.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}") else { continue }
            let body = trimmed.dropFirst().dropLast()
            for pair in topLevel(body, separator: ",", opening: nil, closing: nil) {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                pairs.append(
                    (parts[0].trimmingCharacters(in: .whitespaces), parts[1].trimmingCharacters(in: .whitespaces)))
            }
        }
        var cpu = "-1"
        var text = ""
        for (key, value) in pairs {
            if key == "cpu_id", cpu == "-1", !pairsHasPayloadCPU(pairs) { cpu = value; continue }
            if value.hasPrefix("{") || value.hasPrefix("[") { continue }
            text += " \(key)=\(value)"
        }
        return "\(seconds) \(name) cpu_id=\(cpu)" + text
    }

    /// picotrace has `cpu_id` as a payload field (no packet context block): keep it as a field.
    private static func pairsHasPayloadCPU(_ pairs: [(String, String)]) -> Bool {
        pairs.filter { $0.0 == "cpu_id" }.count == 1 && pairs.first?.0 != "cpu_id"
    }

    /// Splits at `separator` outside quotes, braces, brackets and parentheses (byte-wise: fast
    /// enough for hundreds of thousands of lines in a debug build).
    static func topLevel(_ text: Substring, separator: Character, opening: Character?, closing: Character?) -> [String]
    {
        let separatorByte = separator.asciiValue ?? 0x2C
        var parts: [String] = []
        var depth = 0
        var inQuotes = false
        var escaped = false
        let bytes = Array(text.utf8)
        var start = 0
        for (index, byte) in bytes.enumerated() {
            if inQuotes {
                if escaped {
                    escaped = false
                } else if byte == 0x5C {
                    escaped = true
                } else if byte == 0x22 {
                    inQuotes = false
                }
                continue
            }
            switch byte {
            case 0x22: inQuotes = true
            case 0x7B, 0x5B, 0x28: depth += 1
            case 0x7D, 0x5D, 0x29: depth -= 1
            case separatorByte where depth == 0:
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
                start = index + 1
            default: break
            }
        }
        let last = String(decoding: bytes[start...], as: UTF8.self)
        if !last.trimmingCharacters(in: .whitespaces).isEmpty { parts.append(last) }
        return parts
    }
}
