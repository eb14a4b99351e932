import Foundation
import Testing
import TestSupport

/// The committed Sources/BPF/Generated objects are what their C sources compile to.
@Suite struct GeneratedObjectsTests {
    static let clang = ProcessInfo.processInfo.environment["CLANG"] ?? "/opt/swift/usr/bin/clang"
    static var canRunClang: Bool {
        FileManager.default.isExecutableFile(atPath: clang) || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    @Test(
        .enabled(
            if: canRunClang,
            "needs the Swift toolchain's clang (/opt/swift/usr/bin/clang or $CLANG) to recompile the BPF programs"))
    func committedObjectsMatchAFreshCompile() throws {
        let result = try ChildProcess.run([
            "/bin/bash", "\(BuiltProducts.repositoryRoot)/scripts/generate-bpf.sh", "--check"
        ])
        #expect(result.status == 0, "\(result.standardError)")
    }
}
