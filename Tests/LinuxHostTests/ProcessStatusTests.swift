import Testing
@testable import LinuxHost

@Suite("ProcessStatus parsing")
struct ProcessStatusTests {
    static func parse(_ text: String) throws(HostReadError) -> ProcessStatus {
        try parsing(text) { bytes throws(HostReadError) in try ProcessStatus.parse(bytes, path: "/proc/x/status") }
    }

    /// A task three PID namespaces deep (Docker-in-Docker): host, outer container, inner container.
    @Test func nestedNamespaceChains() throws {
        let status = try Self.parse(try Fixtures.text("docker-cgroupfs-hybrid", "proc/1455/status"))
        #expect(status.pid == 1455)
        #expect(status.threadGroupID == 1455)
        #expect(status.parentPID == 1420)
        #expect(status.namespacePIDs == [1455, 61, 1])
        #expect(status.namespaceThreadGroupIDs == [1455, 61, 1])
    }

    @Test func fieldsOfAFixtureFile() throws {
        let status = try Self.parse(try Fixtures.text("docker-cgroup-v2", "proc/1350/status"))
        #expect(status.pid == 1350)
        #expect(status.userIDs == [101, 101, 101, 101])
        #expect(status.namespacePIDs == [1350, 29])
        #expect(status.threadCount == 1)
        #expect(status.residentSetBytes == 1385 * 4 * 1024)
        #expect(status.voluntaryContextSwitches == 150)
        #expect(status.involuntaryContextSwitches == 7)
    }

    @Test func threadOfAMultiThreadedProcess() throws {
        let text = """
            Name:\tjava
            State:\tS (sleeping)
            Tgid:\t812
            Ngid:\t0
            Pid:\t830
            PPid:\t1
            Uid:\t1000\t1000\t1000\t1000
            NStgid:\t812\t1
            NSpid:\t830\t19
            Threads:\t42
            voluntary_ctxt_switches:\t123456789
            nonvoluntary_ctxt_switches:\t98765

            """
        let status = try Self.parse(text)
        #expect(status.threadGroupID == 812)
        #expect(status.pid == 830)
        #expect(status.namespaceThreadGroupIDs == [812, 1])
        #expect(status.namespacePIDs == [830, 19])
        #expect(status.threadCount == 42)
        #expect(status.voluntaryContextSwitches == 123_456_789)
        #expect(status.involuntaryContextSwitches == 98765)
        // Kernel threads and zombies have no VmRSS line.
        #expect(status.residentSetBytes == nil)
    }

    /// Kernels before 4.1 have no NStgid/NSpid lines: the chain is just the PID.
    @Test func missingNamespaceLinesOnOldKernels() throws {
        let text =
            "Name:\tbash\nState:\tS (sleeping)\nTgid:\t900\nPid:\t900\nPPid:\t1\nThreads:\t1\nvoluntary_ctxt_switches:\t3\n"
        let status = try Self.parse(text)
        #expect(status.namespacePIDs == [900])
        #expect(status.namespaceThreadGroupIDs == [900])
        #expect(status.voluntaryContextSwitches == 3)
        #expect(status.involuntaryContextSwitches == 0)
    }

    @Test func keysArePrefixesOfOthersButMatchedWhole() throws {
        // "PPid" and "TracerPid" must not be taken for "Pid".
        let text = "PPid:\t7\nTracerPid:\t8\nPid:\t9\nTgid:\t9\n"
        let status = try Self.parse(text)
        #expect(status.pid == 9)
        #expect(status.parentPID == 7)
    }

    @Test(arguments: [
        "Name:\tx\nTgid:\t5\nPPid:\t1\n",
        try! Fixtures.text("malformed", "proc/43/status"),
        ""
    ])
    func noPidLineIsMalformed(text: String) {
        #expect {
            _ = try Self.parse(text)
        } throws: { error in
            (error as? HostReadError)?.malformedReason == "no Pid line"
        }
    }
}
