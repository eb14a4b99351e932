import Foundation
import Testing
import TestSupport

/// `periscope funccount`'s help and argument errors: all decided before anything is loaded,
/// so they need no privileges.
@Suite struct FunccountCommandTests {
    @Test func helpDescribesThePatternsAndEveryOption() throws {
        let result = try ChildProcess.run([BuiltProducts.periscopeBinary, "funccount", "--help"])
        #expect(result.status == 0)
        for text in [
            "syscalls:sys_enter_*", "/usr/bin/dockerd:*Container*", "--container", "--per-container", "--max-probes",
            "-d <duration>", "--json", "kprobes", "Ctrl-C"
        ] {
            #expect(result.standardOutput.contains(text), "help lacks \(text)")
        }
    }

    @Test(arguments: [
        (["funccount"], "give a PATTERN"),
        (["funccount", "vfs_read"], "needs kprobes"),
        (["funccount", "u:libc:malloc"], "absolute path"),
        (["funccount", "1", "2", "3", "syscalls:sys_enter_read"], "too many arguments"),
        (["funccount", "0.01", "syscalls:sys_enter_read"], "INTERVAL must be between"),
        (["funccount", "1", "x", "syscalls:sys_enter_read"], "COUNT \"x\" is not a whole number"),
        (["funccount", "--max-probes", "0", "block:*"], "--max-probes must be at least 1"),
        (["funccount", "--per-container", "--container", "a", "block:*"], "not both")
    ])
    func badArgumentsAreRefusedWithTheReason(arguments: [String], reason: String) throws {
        let result = try ChildProcess.run([BuiltProducts.periscopeBinary] + arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(reason), "\(result.standardError)")
    }
}
