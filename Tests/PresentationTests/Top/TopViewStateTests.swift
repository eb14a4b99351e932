import Testing
@testable import Presentation
@testable import ResourceMetrics

@Suite("top keys and view state")
struct TopViewStateTests {
    let frame = TopTestFrames.frame

    private func press(_ keys: [TopKey], _ state: inout TopViewState) -> TopViewState.Outcome {
        var outcome = TopViewState.Outcome.redraw
        for key in keys { outcome = state.handle(key, visibleRows: state.visibleRows(of: frame)) }
        return outcome
    }

    @Test(arguments: TopSortKey.allCases)
    func letterKeysChooseTheSortColumn(key: TopSortKey) {
        let letter = key.keyCharacter
        #expect("cmtinp".contains(letter))
        var state = TopViewState(sortKey: key == .cpu ? .pids : .cpu)
        _ = press([.character(letter)], &state)
        #expect(state.sortKey == key)
    }

    @Test func angleBracketsMoveTheSortColumnAndWrap() {
        var state = TopViewState()
        _ = press([.character(">")], &state)
        #expect(state.sortKey == .memory)
        _ = press([.character("<"), .character("<")], &state)
        #expect(state.sortKey == .pids)
    }

    @Test func slashEditsTheFilterEnterAppliesEscapeClears() {
        var state = TopViewState()
        _ = press([.character("/"), .character("d"), .character("a"), .character("x"), .backspace], &state)
        #expect(state.filterDraft == "da")
        #expect(state.filter == "")
        #expect(state.visibleRows(of: frame).map(\.name) == ["database"], "the draft filters as it is typed")
        // Letters while typing go to the filter, not to sort or quit.
        _ = press([.character("q")], &state)
        #expect(state.filterDraft == "daq")
        _ = press([.backspace, .enter], &state)
        #expect(state.filter == "da")
        #expect(state.filterDraft == nil)
        #expect(state.visibleRows(of: frame).map(\.name) == ["database"])
        _ = press([.character("/"), .escape], &state)
        #expect(state.filter == "")
        #expect(state.visibleRows(of: frame).count == 4)
    }

    @Test func arrowsAndJKMoveTheSelectionWithinBounds() {
        var state = TopViewState()
        _ = press([.down, .down], &state)
        #expect(state.selectedRowID == "docker:web-frontend-id")
        _ = press([.character("j"), .character("j"), .character("j")], &state)
        #expect(state.selectedRowID == "docker:database-id")
        _ = press([.character("k"), .up, .up, .up], &state)
        #expect(state.selectedRowID == "host:host")
    }

    @Test func enterDrillsIntoTheSelectionAndEscapeComesBack() {
        var state = TopViewState()
        let outcome = press([.down, .enter], &state)
        #expect(outcome == .openedProcesses(rowID: "docker:busy-id"))
        #expect(state.screen == .processes(rowID: "docker:busy-id", name: "busy"))
        _ = press([.character("c")], &state)
        #expect(state.screen != .containers, "sort keys do nothing in the process view")
        _ = press([.escape], &state)
        #expect(state.screen == .containers)
        #expect(press([.character("d")], &state) == .openedProcesses(rowID: "docker:busy-id"))
        _ = press([.backspace], &state)
        #expect(state.screen == .containers)
    }

    @Test func qAndCtrlCQuitFromAnyScreen() {
        var state = TopViewState()
        #expect(press([.character("q")], &state) == .quit)
        _ = press([.enter], &state)
        #expect(press([.character("q")], &state) == .quit)
        var typing = TopViewState()
        _ = press([.character("/")], &typing)
        #expect(press([.interrupt], &typing) == .quit)
    }

    @Test func keyDecodingHandlesArrowsEscapeAndPlainKeys() {
        #expect(TopKey.decode(Array("\u{1B}[A\u{1B}[Bq".utf8)) == [.up, .down, .character("q")])
        #expect(TopKey.decode(Array("\u{1B}OA".utf8)) == [.up])
        #expect(TopKey.decode([0x1B]) == [.escape])
        #expect(TopKey.decode([0x0D, 0x7F, 0x03]) == [.enter, .backspace, .interrupt])
        // Page Down (ESC [ 6 ~) is skipped whole, not read as Escape, "[", "6", "~".
        #expect(TopKey.decode(Array("\u{1B}[6~m".utf8)) == [.character("m")])
    }

    @Test func aJSONLineCarriesHostAndRowsButNoProcesses() throws {
        let encoded = try JSONEncoderForTests.encode(frame)
        #expect(encoded.contains("\"rows\""))
        #expect(encoded.contains("\"host\""))
        #expect(!encoded.contains("busyloop"))
        #expect(!encoded.contains("\n"))
    }
}
