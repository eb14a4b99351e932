import Foundation
import Testing
import TestSupport
@testable import Profiling

/// A pprof profile decoded by protoc (Debian `protobuf-compiler`), the reference decoder, with
/// a schema written here from pprof's documented field numbers (proto/profile.proto).
struct ProtocProfile {
    static let protoc = ["/usr/bin/protoc", "/usr/local/bin/protoc"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static let whyMissing: Comment = "needs protoc (Debian protobuf-compiler): run scripts/test-setup.sh"

    /// The fields this test reads; protoc skips the others.
    static let schema = """
        syntax = "proto3";
        package perftools.profiles;
        message ValueType { int64 type = 1; int64 unit = 2; }
        message Label { int64 key = 1; int64 str = 2; int64 num = 3; int64 num_unit = 4; }
        message Sample { repeated uint64 location_id = 1; repeated int64 value = 2; repeated Label label = 3; }
        message Mapping {
          uint64 id = 1; uint64 memory_start = 2; uint64 memory_limit = 3; uint64 file_offset = 4;
          int64 filename = 5; int64 build_id = 6; bool has_functions = 7;
        }
        message Line { uint64 function_id = 1; int64 line = 2; }
        message Location { uint64 id = 1; uint64 mapping_id = 2; uint64 address = 3; repeated Line line = 4; }
        message Function { uint64 id = 1; int64 name = 2; int64 system_name = 3; }
        message Profile {
          repeated ValueType sample_type = 1; repeated Sample sample = 2; repeated Mapping mapping = 3;
          repeated Location location = 4; repeated Function function = 5; repeated string string_table = 6;
          int64 time_nanos = 9; int64 duration_nanos = 10; ValueType period_type = 11; int64 period = 12;
          repeated int64 comment = 13;
        }
        """

    struct Mapping { var id: UInt64, start: UInt64, limit: UInt64, fileOffset: UInt64, file: String, buildID: String }
    struct Location { var id: UInt64, mappingID: UInt64, address: UInt64, function: String }
    struct Sample { var locations: [Location], values: [Int64], labels: [String: String] }

    var strings: [String] = []
    var mappings: [Mapping] = []
    var locations: [UInt64: Location] = [:]
    var samples: [Sample] = []

    /// Decodes uncompressed profile.proto bytes with `protoc --decode`.
    init(bytes: [UInt8]) throws {
        let directory = NSTemporaryDirectory() + "periscope-protoc-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.schema.write(toFile: directory + "/profile.proto", atomically: false, encoding: .utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/profile.pb"))
        let text = try SpawnedChild.run([
            "/bin/sh", "-c",
            "cd '\(directory)' && '\(Self.protoc!)' --decode=perftools.profiles.Profile profile.proto < profile.pb"
        ])
        let root = try TextFormat.parse(text)
        strings = root.all("string_table").map(\.text)
        func string(_ node: TextFormat.Node, _ field: String) -> String {
            let index = Int(node.number(field))
            return strings.indices.contains(index) ? strings[index] : "<bad string index \(index)>"
        }
        var functions: [UInt64: String] = [:]
        for function in root.all("function") { functions[function.number("id")] = string(function, "name") }
        for mapping in root.all("mapping") {
            mappings.append(
                Mapping(
                    id: mapping.number("id"), start: mapping.number("memory_start"),
                    limit: mapping.number("memory_limit"),
                    fileOffset: mapping.number("file_offset"), file: string(mapping, "filename"),
                    buildID: string(mapping, "build_id")))
        }
        for location in root.all("location") {
            let function =
                location.all("line").first.map { functions[$0.number("function_id")] ?? "<no function>" } ?? "<no line>"
            locations[location.number("id")] = Location(
                id: location.number("id"), mappingID: location.number("mapping_id"),
                address: location.number("address"), function: function)
        }
        for sample in root.all("sample") {
            var labels: [String: String] = [:]
            for label in sample.all("label") { labels[string(label, "key")] = string(label, "str") }
            samples.append(
                Sample(
                    locations: sample.all("location_id").map {
                        locations[UInt64($0.text) ?? 0]
                            ?? Location(id: 0, mappingID: 0, address: 0, function: "<missing location>")
                    },
                    values: sample.all("value").compactMap { Int64($0.text) }, labels: labels))
        }
    }

    func mapping(_ id: UInt64) -> Mapping? { mappings.first { $0.id == id } }
}

/// protoc's text format: `name: value` lines and `name { ... }` blocks.
enum TextFormat {
    final class Node {
        var text = ""
        var children: [(name: String, node: Node)] = []
        func all(_ name: String) -> [Node] { children.filter { $0.name == name }.map(\.node) }
        func number(_ name: String) -> UInt64 {
            all(name).first.flatMap { UInt64($0.text) ?? ($0.text == "true" ? 1 : nil) } ?? 0
        }
    }

    struct ParseError: Error, CustomStringConvertible { var description: String }

    static func parse(_ text: String) throws -> Node {
        let root = Node()
        var stack = [root]
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "}" {
                guard stack.count > 1 else { throw ParseError(description: "unbalanced }") }
                stack.removeLast()
            } else if line.hasSuffix(" {") {
                let node = Node()
                stack.last!.children.append((String(line.dropLast(2)), node))
                stack.append(node)
            } else if let colon = line.firstIndex(of: ":") {
                let node = Node()
                node.text = unquote(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                stack.last!.children.append((String(line[..<colon]), node))
            } else if !line.isEmpty {
                throw ParseError(description: "unexpected line: \(line)")
            }
        }
        return root
    }

    /// A C-escaped quoted string's value (octal escapes as bytes); other values as they are.
    static func unquote(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        var bytes: [UInt8] = []
        var characters = Array(value.utf8.dropFirst().dropLast())[...]
        while let byte = characters.popFirst() {
            guard byte == UInt8(ascii: "\\"), let next = characters.popFirst() else { bytes.append(byte); continue }
            switch next {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var digits = [next]
                while digits.count < 3, let digit = characters.first,
                    (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit)
                {
                    digits.append(digit)
                    characters = characters.dropFirst()
                }
                bytes.append(UInt8(String(decoding: digits, as: UTF8.self), radix: 8) ?? 0)
            default: bytes.append(next)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
