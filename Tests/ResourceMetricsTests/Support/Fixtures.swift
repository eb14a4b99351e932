import Foundation

/// The fixture trees in Tests/Fixtures, found from this file's path (no SwiftPM resources).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // ResourceMetricsTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures").path
}
