/// A key press in the live view, decoded from the bytes a terminal in raw mode sends.
package enum TopKey: Sendable, Equatable {
    case character(Character)
    case up, down, enter, escape, backspace
    /// Ctrl-C, which raw mode delivers as a byte rather than SIGINT.
    case interrupt
    /// Ctrl-Z, delivered as a byte too: the view gives the terminal back, then stops itself.
    case suspend

    /// Decodes everything one `read` returned. Arrow keys arrive as `ESC [ A` (or `ESC O A`
    /// in application cursor mode, which tmux may use); a lone ESC is the Escape key, since a
    /// terminal sends a sequence in one write.
    package static func decode(_ bytes: [UInt8]) -> [TopKey] {
        var keys: [TopKey] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x1B:
                if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "O") {
                    let final = bytes[index + 1]
                    index += 2
                    if final == UInt8(ascii: "A") {
                        keys.append(.up)
                    } else if final == UInt8(ascii: "B") {
                        keys.append(.down)
                    }
                    // Other sequences (function keys, `ESC [ 5 ~`) are skipped up to their final byte.
                    while final >= 0x30 && final <= 0x3F, index < bytes.count {
                        let next = bytes[index]
                        index += 1
                        if next >= 0x40 { break }
                    }
                } else {
                    keys.append(.escape)
                }
            case 0x03: keys.append(.interrupt)
            case 0x1A: keys.append(.suspend)
            case 0x0D, 0x0A: keys.append(.enter)
            case 0x7F, 0x08: keys.append(.backspace)
            case 0x20...0x7E: keys.append(.character(Character(UnicodeScalar(byte))))
            default: break
            }
        }
        return keys
    }
}
