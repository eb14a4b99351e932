#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport
import Foundation

/// Readable names for mangled C++ (Itanium ABI, through libstdc++'s `__cxa_demangle`), Rust
/// (legacy `_ZN...17h<hash>E` and v0 `_R`) and Swift (`$s`, through the Swift runtime's
/// `swift_demangle`) symbols. Anything else, or a name that does not demangle, is returned
/// unchanged. Results are cached: a profile names the same few thousand functions again and again.
package final class Demangler {
    private var cache: [String: String] = [:]

    package init() {}

    package func demangle(_ name: String) -> String {
        guard Self.looksMangled(name) else { return name }
        if let cached = cache[name] { return cached }
        let readable = Self.demangleUncached(name)
        if cache.count < 1_000_000 { cache[name] = readable }
        return readable
    }

    static func looksMangled(_ name: String) -> Bool {
        name.hasPrefix("_Z") || name.hasPrefix("_R") || name.hasPrefix("$s") || name.hasPrefix("$S")
            || name.hasPrefix("_T0")
            || name.hasPrefix("__Z")
    }

    static func demangleUncached(_ name: String) -> String {
        if name.hasPrefix("_R") { return RustV0Demangler.demangle(name) ?? name }
        if name.hasPrefix("$s") || name.hasPrefix("$S") || name.hasPrefix("_T0") { return swiftDemangle(name) ?? name }
        // A dot suffix (`.cold`, `.constprop.0`, `.llvm.123`) is not part of the mangling.
        let (base, suffix) = splitCloneSuffix(name)
        guard let cxx = cxxDemangle(base) else { return name }
        return (isRustLegacy(base) ? rustLegacyCleanup(cxx) : cxx) + suffix
    }

    private static func splitCloneSuffix(_ name: String) -> (String, String) {
        guard let dot = name.firstIndex(of: ".") else { return (name, "") }
        return (String(name[..<dot]), " [clone \(name[dot...])]")
    }

    static func cxxDemangle(_ name: String) -> String? {
        guard let pointer = periscope_cxx_demangle(name) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Legacy Rust symbols are Itanium-shaped but end in a `17h<16 hex>E` hash path segment.
    static func isRustLegacy(_ name: String) -> Bool {
        guard name.hasPrefix("_ZN"), name.hasSuffix("E") else { return false }
        let body = name.dropLast()
        guard body.count > 20 else { return false }
        let tail = body.suffix(19)
        return tail.hasPrefix("17h") && tail.dropFirst(3).allSatisfy(\.isHexDigit)
    }

    /// Drops the `::h<hash>` segment and decodes Rust's `$LT$`-style escapes.
    static func rustLegacyCleanup(_ demangled: String) -> String {
        var text = demangled
        if let range = text.range(of: "::h", options: .backwards), text[range.upperBound...].count == 16,
            text[range.upperBound...].allSatisfy(\.isHexDigit)
        {
            text = String(text[..<range.lowerBound])
        }
        let escapes: [(String, String)] = [
            ("$SP$", "@"), ("$BP$", "*"), ("$RF$", "&"), ("$LT$", "<"), ("$GT$", ">"), ("$LP$", "("), ("$RP$", ")"),
            ("$C$", ","), ("$u7e$", "~"), ("$u20$", " "), ("$u27$", "'"), ("$u5b$", "["), ("$u5d$", "]"),
            ("$u7b$", "{"), ("$u7d$", "}"), ("$u3b$", ";"), ("$u2b$", "+"), ("$u22$", "\""), ("..", "::")
        ]
        for (escape, replacement) in escapes { text = text.replacingOccurrences(of: escape, with: replacement) }
        return text
    }

    static func swiftDemangle(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard
            let pointer = bytes.withUnsafeBufferPointer({ buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    swift_demangle($0, buffer.count, nil, nil, 0)
                }
            })
        else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// The Swift runtime's demangler (exported by libswiftCore on every platform).
@_silgen_name("swift_demangle")
private func swift_demangle(
    _ mangledName: UnsafePointer<CChar>?, _ mangledNameLength: Int,
    _ outputBuffer: UnsafeMutablePointer<CChar>?, _ outputBufferSize: UnsafeMutablePointer<Int>?, _ flags: UInt32
) -> UnsafeMutablePointer<CChar>?
