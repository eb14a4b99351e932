import Presentation
import Testing
@testable import ResourceMetrics

@Suite("top cgroup tree")
struct TopCgroupTreeTests {
    let paths = [
        "/", "/docker", "/docker/" + String(repeating: "ab12", count: 16), "/system.slice", "/system.slice/a.service",
        "/system.slice/a.service/child", "/system.slice/a.service/child/deeper"
    ]

    @Test func rowsStopAtTheDepthAndDeeperProcessesCountInTheirAncestor() {
        let pathByPID: [Int32: String] = [
            1: "/", 10: "/docker/" + String(repeating: "ab12", count: 16), 20: "/system.slice/a.service/child/deeper"
        ]
        let tree = TopCgroupTree(paths: paths, pathByPID: pathByPID, maximumDepth: 2)
        #expect(
            tree.paths == [
                "/docker", "/docker/" + String(repeating: "ab12", count: 16), "/system.slice", "/system.slice/a.service"
            ])
        #expect(tree.processCounts["/docker"] == 1)
        #expect(tree.processCounts["/system.slice"] == 1)
        #expect(tree.processCounts["/system.slice/a.service"] == 1)
        #expect(tree.processCounts["/"] == nil, "the root is the host row")
        #expect(tree.rowPath(for: "/system.slice/a.service/child/deeper") == "/system.slice/a.service")
        #expect(tree.rowPath(for: "/docker") == "/docker")
    }

    @Test func longRuntimeIDsAreCutToTwelveDigitsAndTheContainerNamed() {
        let id = String(repeating: "ab12", count: 16)
        #expect(TopCgroupTree.displayName("/docker/" + id, containerName: "web") == "/docker/ab12ab12ab12 (web)")
        #expect(
            TopCgroupTree.displayName("/system.slice/docker-\(id).scope", containerName: nil)
                == "/system.slice/docker-ab12ab12ab12.scope")
        #expect(TopCgroupTree.displayName("/user.slice", containerName: nil) == "/user.slice")
    }

    @Test func gTogglesTheTreeAndAsksForANewSample() {
        var state = TopViewState()
        #expect(state.handle(.character("g"), visibleRows: []) == .toggledCgroupTree)
        #expect(state.showsCgroupTree)
        #expect(state.handle(.character("g"), visibleRows: []) == .toggledCgroupTree)
        #expect(!state.showsCgroupTree)
    }

    @Test func ctrlZDecodesAsSuspend() {
        #expect(TopKey.decode([0x1A, UInt8(ascii: "g")]) == [.suspend, .character("g")])
    }
}
