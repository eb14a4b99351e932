import Foundation
import LinuxHost

/// The fixture trees in Tests/Fixtures, found from this file's path (no SwiftPM resources).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // LinuxHostTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures").path

    /// `<root>/<layout>/proc`.
    static func procRoot(_ layout: String) -> String { "\(root)/\(layout)/proc" }

    static func text(_ layout: String, _ relativePath: String) throws -> String {
        try String(contentsOfFile: "\(root)/\(layout)/\(relativePath)", encoding: .utf8)
    }
}

/// Runs a parser over the UTF-8 bytes of `text`, as a reader would hand them over.
func parsing<Result>(
    _ text: String, _ parse: (UnsafeRawBufferPointer) throws(HostReadError) -> Result
) throws(HostReadError) -> Result {
    // Array.withUnsafeBytes rethrows untyped: recover the parser's typed error.
    do {
        return try Array(text.utf8).withUnsafeBytes { bytes in try parse(bytes) }
    } catch let error as HostReadError {
        throw error
    } catch {
        preconditionFailure("parsers throw only HostReadError, not \(error)")
    }
}

extension HostReadError {
    /// The reason of a `.malformed` error, nil for a system error.
    var malformedReason: String? {
        if case .malformed(let reason) = kind { return reason }
        return nil
    }

    var errnoCode: Int32? {
        if case .system(let code) = kind { return code }
        return nil
    }
}
