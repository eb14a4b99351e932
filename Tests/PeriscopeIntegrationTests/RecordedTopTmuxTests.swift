import Foundation
import Testing
import TestSupport

/// `top --db --at` as a user sees it: in tmux, the recorded screen, `]` and `{` move in time,
/// a container that stopped leaves the screen, q quits. Needs tmux only (the recording is
/// written by the test).
@Suite(
    "recorded top in tmux", .serialized,
    .installed(if: TmuxSession.isAvailable, "needs tmux (scripts/test-setup.sh installs it)"))
struct RecordedTopTmuxTests {
    @Test func stepsThroughTheRecording() throws {
        let recording = try SyntheticRecording()
        defer { recording.remove() }
        let tmux = try TmuxSession(name: TestEnvironment.uniqueName("15c-top-db"))
        defer { tmux.kill() }
        try tmux.type(
            "TZ=UTC \(TestEnvironment.periscopeBinary) top --db \(recording.path) --at \(SyntheticRecording.at(25)) --step 10s"
        )
        try tmux.send("Enter")
        var screen = try tmux.waitFor { $0.contains("03:00:25 +00:00 (recorded)") }
        #expect(screen.contains("web") && screen.contains("shop"))
        #expect(screen.contains("[ ] ±10 s"))
        // 10 s later web has stopped (at 03:00:30).
        try tmux.type("]")
        screen = try tmux.waitFor { $0.contains("03:00:35 +00:00 (recorded)") }
        #expect(!screen.contains("web "))
        // A minute back: nothing recorded before 03:00:00, the last frame stays and it says so.
        try tmux.type("{")
        screen = try tmux.waitFor { $0.contains("nothing recorded in the 120 s before") }
        try tmux.type("q")
        _ = try tmux.waitFor { _ in try !tmux.alternateScreenIsOn() }
    }
}
