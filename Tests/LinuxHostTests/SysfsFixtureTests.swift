import Testing
@testable import LinuxHost

/// Readers of /sys take the sys root, so a fixture tree stands in for the host's.
@Suite("sysfs readers on fixture trees")
struct SysfsFixtureTests {
    static let sysRoot = "\(Fixtures.root)/counters/host/sys"

    @Test func linkSpeedsComeFromTheGivenRootAndSkipUnknownSpeeds() {
        let speeds = NetworkLinkSpeeds.read(interfaces: ["eth0", "veth1a2b", "docker0", "lo"], sysRoot: Self.sysRoot)
        #expect(speeds == ["eth0": 10000])
    }

    @Test func onlineCPUsComeFromTheGivenRoot() throws {
        #expect(try CPUList.online(sysRoot: Self.sysRoot).cpus == [0, 1, 2, 3, 6])
    }

    @Test func aMissingRootIsAnErrorWithThePath() {
        do {
            _ = try CPUList.online(sysRoot: "/nonexistent-sys")
            Issue.record("read an online list under a missing root")
        } catch {
            #expect(error.path == "/nonexistent-sys/devices/system/cpu/online")
            #expect(error.isVanished)
        }
    }
}
