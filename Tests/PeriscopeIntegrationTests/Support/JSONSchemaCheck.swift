import Foundation
import Testing

/// Validates a command's `--json` output against its schema in docs/schemas with the
/// `jsonschema` Python package (Debian python3-jsonschema), the vocabulary schema registered.
enum JSONSchemaCheck {
    static let schemaDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../docs/schemas").standardized.path

    static let available: Bool = (try? Shell.run(["/usr/bin/python3", "-c", "import jsonschema"]))?.status == 0
    static let whyMissing: Comment =
        "needs python3 with jsonschema (Debian python3-jsonschema): run scripts/test-setup.sh"

    static let script = #"""
        import json, pathlib, sys
        import jsonschema
        directory, name, instance_path = sys.argv[1:4]
        schemas = {}
        for path in pathlib.Path(directory).glob("*.schema.json"):
            loaded = json.loads(path.read_text())
            schemas[loaded["$id"]] = loaded
        schema = json.loads((pathlib.Path(directory) / (name + ".schema.json")).read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        instance = json.loads(pathlib.Path(instance_path).read_text())
        try:
            from referencing import Registry, Resource
            registry = Registry().with_resources([(key, Resource.from_contents(value)) for key, value in schemas.items()])
            validator = jsonschema.Draft202012Validator(schema, registry=registry)
        except ImportError:
            validator = jsonschema.Draft202012Validator(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=schemas))
        errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
        for error in errors[:8]:
            detail = jsonschema.exceptions.best_match(error.context) if error.context else error
            print("/".join(map(str, detail.absolute_path)) or "(root)", ":", detail.message[:300])
        sys.exit(1 if errors else 0)
        """#

    /// The schema's complaints about `json` (empty when it is valid).
    static func problems(_ json: String, schema name: String) throws -> [String] {
        let directory = NSTemporaryDirectory() + "periscope-schema-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try json.write(toFile: directory + "/instance.json", atomically: false, encoding: .utf8)
        try script.write(toFile: directory + "/check.py", atomically: false, encoding: .utf8)
        let result = try Shell.run([
            "/usr/bin/python3", directory + "/check.py", schemaDirectory, name, directory + "/instance.json"
        ])
        if result.status == 0 { return [] }
        let lines = (result.standardOutput + result.standardError).split(separator: "\n").map(String.init)
        return lines.isEmpty ? ["exit status \(result.status)"] : lines
    }
}
