import ContainerInventory
import Recording
import Testing
@testable import Recorder

/// Docker's event lines into lifecycle events: the start duration is start − create, a
/// rename keeps the old name, a die keeps the exit code.
@Suite("Container lifecycle from Docker events")
struct ContainerLifecycleTests {
    @Test func decodesAnEngineEventLine() throws {
        let line =
            #"{"status":"start","id":"abc123","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"abc123","Attributes":{"image":"busybox","name":"web"}},"scope":"local","time":1700000001,"timeNano":1700000001250000000}"#
        let event = try #require(DockerContainerEvent.decode(Array(line.utf8)))
        #expect(
            event
                == DockerContainerEvent(
                    action: "start", containerID: "abc123", name: "web", image: "busybox",
                    unixNanoseconds: 1_700_000_001_250_000_000))
        let network = #"{"Type":"network","Action":"connect","Actor":{"ID":"n1","Attributes":{}},"timeNano":1}"#
        #expect(DockerContainerEvent.decode(Array(network.utf8)) == nil)
        #expect(DockerContainerEvent.decode(Array("not json".utf8)) == nil)
    }

    @Test func startCarriesTheCreateToRunningDuration() {
        var lifecycle = ContainerLifecycle()
        let changes = lifecycle.apply([
            DockerContainerEvent(
                action: "create", containerID: "abc", name: "web", image: "busybox", unixNanoseconds: 1_000_000_000_000),
            DockerContainerEvent(
                action: "start", containerID: "abc", name: "web", image: "busybox", unixNanoseconds: 1_000_180_000_000),
            DockerContainerEvent(
                action: "rename", containerID: "abc", name: "shop", oldName: "web", unixNanoseconds: 1_001_000_000_000),
            DockerContainerEvent(
                action: "die", containerID: "abc", name: "shop", exitCode: 137, unixNanoseconds: 1_002_000_000_000),
            DockerContainerEvent(
                action: "destroy", containerID: "abc", name: "shop", unixNanoseconds: 1_003_000_000_000)
        ])
        #expect(changes.events.map(\.kind) == [.created, .started, .renamed, .stopped, .removed])
        let started = changes.events[1]
        #expect(started.durationMicroseconds == 180_000)
        #expect(started.container == RecordedContainerKey("docker:abc"))
        #expect(started.unixMilliseconds == 1_000_180)
        #expect(changes.events[2].attributes["oldName"] == "web")
        #expect(changes.events[3].attributes["exitCode"] == "137")
        #expect(changes.startedIDs == ["abc"])
        #expect(changes.renamed == ["abc": "shop"])
        let stopped = changes.descriptions.last { $0.stoppedAtUnixMilliseconds != nil }
        #expect(stopped?.stoppedAtUnixMilliseconds == 1_002_000)
        #expect(stopped?.name == "shop")
    }

    @Test func aStartWithoutItsCreateHasNoDuration() {
        var lifecycle = ContainerLifecycle()
        let changes = lifecycle.apply([
            DockerContainerEvent(action: "start", containerID: "abc", unixNanoseconds: 5_000_000_000)
        ])
        #expect(changes.events.first?.durationMicroseconds == nil)
        #expect(changes.descriptions.first?.startedAtUnixMilliseconds == 5_000)
    }
}
