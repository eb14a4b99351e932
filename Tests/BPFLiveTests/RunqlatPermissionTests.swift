import Foundation
import Testing
import TestSupport

/// Without privileges runqlat refuses up front and says what is needed.
@Suite struct RunqlatPermissionTests {
    @Test(
        .enabled(
            if: DropToNobody.isPossible || BPFTestEnvironment.isCI, DropToNobody.reason))
    func asNobodyItNamesTheCapabilities() throws {
        let result = try BPFTestEnvironment.run(
            DropToNobody.command([BPFTestEnvironment.periscopeBinary, "runqlat", "1", "1"]))
        #expect(result.status != 0)
        #expect(result.standardError.contains("CAP_BPF"))
        #expect(result.standardError.contains("CAP_PERFMON"))
        #expect(result.standardError.contains("root"))
        #expect(!result.standardOutput.contains("distribution"))
    }
}
