/// Colour schemes for flame graph frames, after those of `flamegraph.pl`.
///
/// Every scheme first colours by frame kind, which `periscope fold --kernel --jit` (or
/// `stackcollapse-perf.pl --all`) marks with suffixes: kernel `_[k]` orange, JIT `_[j]` green,
/// inlined `_[i]` aqua. The scheme's own hues are for the remaining frames, frames without a
/// symbol (`[unknown]`, `[libc.so.6]`) included, as flamegraph.pl colours them; as there, only
/// the stack separators `-` and `--` are grey. Within a hue the shade comes from a hash of the
/// name, so a function has the same colour in every graph.
package enum FlameGraphPalette: String, Sendable, CaseIterable {
    /// Red to yellow: CPU.
    case hot
    /// Greens: memory.
    case mem
    /// Blues: I/O.
    case io
    /// Java and C++: Java frames green, C++ (`::`) yellow, other user frames red.
    case java

    /// What a frame is, from its name's annotation or shape.
    package enum FrameKind: Sendable, Equatable {
        case kernel, jit, inlined, unknown, user
    }

    /// The kind of a frame name as folded (annotations still attached).
    package static func kind(of name: some Collection<UInt8>) -> FrameKind {
        let bytes = Array(name.suffix(4))
        if bytes.count == 4, bytes[0] == UInt8(ascii: "_"), bytes[1] == UInt8(ascii: "["), bytes[3] == UInt8(ascii: "]")
        {
            switch bytes[2] {
            case UInt8(ascii: "k"): return .kernel
            case UInt8(ascii: "j"): return .jit
            case UInt8(ascii: "i"): return .inlined
            default: break
            }
        }
        if name.first == UInt8(ascii: "["), name.count > 1, Array(name.suffix(1)) == [UInt8(ascii: "]")] {
            return .unknown
        }
        return .user
    }

    /// The fill colour, `rgb(r,g,b)`, of a frame.
    package func color(for name: some Collection<UInt8>) -> String {
        // flamegraph.pl's flat greys for separator frames (its `$dgrey` and `$vdgrey`).
        if name.elementsEqual("-".utf8) { return "rgb(200,200,200)" }
        if name.elementsEqual("--".utf8) { return "rgb(160,160,160)" }
        let shade = Self.shade(of: name)
        switch Self.kind(of: name) {
        case .kernel: return Self.orange(shade)
        case .jit: return Self.green(shade)
        case .inlined: return Self.aqua(shade)
        case .unknown, .user: break
        }
        switch self {
        case .hot:
            return "rgb(\(205 + Int(50 * shade)),\(Int(230 * shade)),\(Int(55 * shade)))"
        case .mem:
            return "rgb(0,\(190 + Int(50 * shade)),\(Int(210 * shade)))"
        case .io:
            let red = 80 + Int(60 * shade)
            return "rgb(\(red),\(red),\(190 + Int(55 * shade)))"
        case .java:
            let text = String(decoding: Array(name), as: UTF8.self)
            if text.contains(":::") || Self.isJavaPackage(text) { return Self.green(shade) }
            if text.contains("::") {
                return "rgb(\(175 + Int(55 * shade)),\(175 + Int(55 * shade)),\(50 + Int(20 * shade)))"
            }
            return "rgb(\(200 + Int(55 * shade)),\(50 + Int(80 * shade)),\(50 + Int(80 * shade)))"
        }
    }

    private static func isJavaPackage(_ name: String) -> Bool {
        let body = name.hasPrefix("L") ? name.dropFirst() : Substring(name)
        return ["java/", "javax/", "jdk/", "net/", "org/", "com/", "io/", "sun/"].contains { body.hasPrefix($0) }
    }

    private static func orange(_ shade: Double) -> String { "rgb(\(190 + Int(65 * shade)),\(90 + Int(65 * shade)),0)" }
    private static func green(_ shade: Double) -> String {
        "rgb(\(50 + Int(60 * shade)),\(200 + Int(55 * shade)),\(50 + Int(60 * shade)))"
    }
    private static func aqua(_ shade: Double) -> String {
        "rgb(\(50 + Int(60 * shade)),\(165 + Int(55 * shade)),\(165 + Int(55 * shade)))"
    }

    /// A stable value in [0, 1) from the name (FNV-1a), so colours do not change between runs.
    static func shade(of name: some Collection<UInt8>) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Double(hash >> 11) / Double(1 << 53)
    }
}
