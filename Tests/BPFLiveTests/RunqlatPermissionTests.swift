import Foundation
import Testing

/// Without privileges runqlat refuses up front and says what is needed.
@Suite struct RunqlatPermissionTests {
    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        .enabled(
            if: (BPFTestEnvironment.isRoot && setpriv != nil) || BPFTestEnvironment.isCI,
            "needs root and setpriv (util-linux) to drop to nobody"))
    func asNobodyItNamesTheCapabilities() throws {
        let result = try BPFTestEnvironment.run([
            Self.setpriv ?? "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
            BPFTestEnvironment.periscopeBinary, "runqlat", "1", "1"
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("CAP_BPF"))
        #expect(result.standardError.contains("CAP_PERFMON"))
        #expect(result.standardError.contains("root"))
        #expect(!result.standardOutput.contains("distribution"))
    }
}
