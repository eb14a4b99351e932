import Foundation
import Testing
import TestSupport

/// `periscope top` as a user sees it: in tmux, keys sent, the pane read back.
@Suite(
    "top in tmux", .serialized,
    .live(if: TestEnvironment.dockerAvailable, TestEnvironment.dockerReason),
    .live(if: TmuxSession.isAvailable, "needs tmux (scripts/test-setup.sh installs it)")
)
struct TopTmuxTests {
    @Test func filterDrillDownTreeSuspendAndQuit() throws {
        let busy = try DockerContainer(
            name: TestEnvironment.uniqueName("top-tmux"), options: ["--cpus", "0.5"],
            command: ["sh", "-c", "while :; do :; done"])
        defer { busy.remove() }
        let tmux = try TmuxSession(name: TestEnvironment.uniqueName("top"))
        defer { tmux.kill() }
        try tmux.type("\(TestEnvironment.periscopeBinary) top -d 1")
        try tmux.send("Enter")

        // The container's row appears with its CPU near its 0.5 cap once rates exist.
        var screen = try tmux.waitFor { $0.contains(busy.name) && $0.contains("THR%") }
        #expect(try tmux.alternateScreenIsOn())
        #expect(screen.contains("periscope top -"))

        // Filter to the container: only its row stays (the host row does not match).
        try tmux.send("/")
        try tmux.type(busy.name)
        try tmux.send("Enter")
        // Refreshed every second: wait (on a loaded host) for a frame where the loop got its cap.
        func cores(_ screen: String) -> Double? {
            screen.split(separator: "\n").first { $0.hasPrefix(busy.name) }.flatMap {
                Double($0.split(separator: " ")[1])
            }
        }
        screen = try tmux.waitFor { $0.contains("filter \"\(busy.name)\"") && (cores($0) ?? 0) > 0.3 }
        #expect(!screen.contains("host (all)"))
        #expect((cores(screen) ?? 0) < 0.7, "a busy loop under --cpus 0.5 should use about half a core")

        // Drill down: its one process, the busy shell, with its PID inside the container (1).
        try tmux.send("Enter")
        screen = try tmux.waitFor { $0.contains("1 process") }
        let process = try #require(screen.split(separator: "\n").first { $0.hasSuffix(" sh") })
        #expect(process.split(separator: " ").dropFirst().first == "1", "CPID of the container's init: \(process)")
        try tmux.send("Escape")

        // The cgroup tree: its cgroup row carries the short id and (the start of) its name.
        try tmux.send("g")
        let shortID = String(busy.id.prefix(12))
        screen = try tmux.waitFor {
            $0.contains("view cgroups") && $0.contains("CGROUP") && $0.contains("\(shortID) (\(busy.name.prefix(20))")
        }
        try tmux.send("g")
        try tmux.waitFor { !$0.contains("view cgroups") && $0.contains("NAME") }

        // Ctrl-Z gives the screen back to the shell; fg takes it again.
        try tmux.send("C-z")
        screen = try tmux.waitFor { $0.contains("Stopped") }
        #expect(try !tmux.alternateScreenIsOn())
        try tmux.type("fg")
        try tmux.send("Enter")
        try tmux.waitFor { $0.contains("periscope top -") }
        #expect(try tmux.alternateScreenIsOn())

        // q ends it and the shell's screen is back.
        try tmux.send("q")
        try tmux.waitFor { _ in try !tmux.alternateScreenIsOn() }
        try tmux.type("echo exit=$?")
        try tmux.send("Enter")
        try tmux.waitFor { $0.contains("exit=0") }
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let tmux = try TmuxSession(name: TestEnvironment.uniqueName("top-term"))
        defer { tmux.kill() }
        try tmux.type("\(TestEnvironment.periscopeBinary) top -d 1")
        try tmux.send("Enter")
        try tmux.waitFor { $0.contains("host (all)") }
        let pid = try Shell.check(["pgrep", "-n", "-f", "\(TestEnvironment.periscopeBinary) top -d 1"])
        _ = try Shell.check(["kill", "-TERM", pid])
        try tmux.waitFor { _ in try !tmux.alternateScreenIsOn() }
        try tmux.type("echo exit=$?; stty -a | grep -o ' icanon\\| echo '")
        try tmux.send("Enter")
        // Killed by SIGTERM (128 + 15), and the line discipline is cooked again.
        let screen = try tmux.waitFor { $0.contains("exit=143") }
        #expect(screen.contains(" icanon"))
        #expect(screen.contains(" echo "))
    }
}
