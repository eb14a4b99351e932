import Foundation
import Testing

/// The committed Sources/BPF/Generated objects are what their C sources compile to.
@Suite struct GeneratedObjectsTests {
    @Test(.enabled(if: BPFTestEnvironment.canRunClang, BPFTestEnvironment.clangReason))
    func committedObjectsMatchAFreshCompile() throws {
        let result = try BPFTestEnvironment.run(["/bin/bash", "\(BPFTestEnvironment.repositoryRoot)/scripts/generate-bpf.sh", "--check"])
        #expect(result.status == 0, "\(result.standardError)")
    }
}
