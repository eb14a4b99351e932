import Foundation

/// A detached tmux session running bash, driven like a user: keys in, the visible pane out.
final class TmuxSession {
    let name: String

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    init(name: String, columns: Int = 160, rows: Int = 40) throws {
        self.name = name
        _ = try? Shell.run(["tmux", "kill-session", "-t", name])
        // --norc and a fixed prompt, so what the pane shows does not depend on the machine.
        _ = try Shell.check([
            "tmux", "new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)",
            "env PS1='tmux$ ' bash --norc --noprofile -i"
        ])
    }

    /// Types `text` (tmux key names such as `Enter`, `C-z`, `Escape` are sent as keys).
    func send(_ keys: String...) throws { _ = try Shell.check(["tmux", "send-keys", "-t", name] + keys) }

    /// Types `text` literally.
    func type(_ text: String) throws { _ = try Shell.check(["tmux", "send-keys", "-t", name, "-l", text]) }

    /// What the pane shows now.
    func capture() throws -> String { try Shell.check(["tmux", "capture-pane", "-p", "-t", name]) }

    /// True while the program in the pane has the alternate screen (a full-screen view is up).
    func alternateScreenIsOn() throws -> Bool {
        try Shell.check(["tmux", "display-message", "-p", "-t", name, "#{alternate_on}"]) == "1"
    }

    /// Polls the pane until `condition` holds or `seconds` pass; returns the last capture.
    @discardableResult
    func waitFor(seconds: Double = 15, _ condition: (String) throws -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = try capture()
        while try !condition(screen) {
            if Date() > deadline { throw TmuxTimeout(screen: screen) }
            Thread.sleep(forTimeInterval: 0.2)
            screen = try capture()
        }
        return screen
    }

    func kill() { _ = try? Shell.run(["tmux", "kill-session", "-t", name]) }

    deinit { kill() }
}

struct TmuxTimeout: Error, CustomStringConvertible {
    var screen: String
    var description: String { "the pane never showed what was expected; it shows:\n\(screen)" }
}
