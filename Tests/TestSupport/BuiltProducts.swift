import Foundation

/// Where the tests find the repository and the `periscope` binary built beside the test bundle.
public enum BuiltProducts {
    /// The repository's root directory (this file is Tests/TestSupport/BuiltProducts.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized.path

    /// The `periscope` binary built next to this test bundle (or in .build/debug).
    public static let periscopeBinary: String = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("periscope").path,
            bundleDirectory.deletingLastPathComponent().appendingPathComponent("periscope").path,
            "\(repositoryRoot)/.build/debug/periscope"
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()
}
