/// Rust's v0 symbol mangling (RFC 2603, `_R...`), printed the way `rustc-demangle` prints
/// it without hashes: `crate::module::Type>::method::<u32>`, closures as `{closure#0}`.
///
/// Symbols come from hostile binaries: recursion is bounded, every read is bounds-checked, and
/// anything unexpected makes the whole name fail (the caller keeps the mangled form).
enum RustV0Demangler {
    static func demangle(_ symbol: String) -> String? {
        let bytes = Array(symbol.utf8)
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "_"), bytes[1] == UInt8(ascii: "R") else { return nil }
        var parser = Parser(bytes: Array(bytes[2...]))
        // An optional encoding version (decimal), then the path.
        if let first = parser.peek(), first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") { return nil }
        guard parser.path(), parser.failed == false else { return nil }
        return parser.output
    }

    struct Parser {
        let bytes: [UInt8]
        var position = 0
        var output = ""
        var failed = false
        var depth = 0
        static let maximumDepth = 200
        static let maximumOutput = 4096

        init(bytes: [UInt8]) { self.bytes = bytes }

        func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func next() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func eat(_ character: Character) -> Bool {
            if peek() == character.asciiValue { position += 1; return true }
            return false
        }

        mutating func emit(_ text: String) {
            if output.utf8.count + text.utf8.count > Self.maximumOutput { failed = true; return }
            output += text
        }

        mutating func fail() -> Bool { failed = true; return false }

        /// `{0-9a-zA-Z} _`: 0 for a bare `_`, else the value plus one.
        mutating func base62() -> UInt64? {
            if eat("_") { return 0 }
            var value: UInt64 = 0
            while let byte = next() {
                if byte == UInt8(ascii: "_") { return value &+ 1 }
                let digit: UInt64
                switch byte {
                case 0x30...0x39: digit = UInt64(byte - 0x30)
                case 0x61...0x7A: digit = UInt64(byte - 0x61) + 10
                case 0x41...0x5A: digit = UInt64(byte - 0x41) + 36
                default: return nil
                }
                let (times, overflow) = value.multipliedReportingOverflow(by: 62)
                guard !overflow else { return nil }
                value = times &+ digit
            }
            return nil
        }

        mutating func decimal() -> Int? {
            var value = 0
            var digits = 0
            while let byte = peek(), byte >= 0x30, byte <= 0x39 {
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                position += 1
                guard value < 1 << 20 else { return nil }
            }
            return digits > 0 ? value : nil
        }

        /// `s <base-62>`: the value (0 when absent), or nil when malformed.
        mutating func disambiguatorValue() -> UInt64? {
            guard eat("s") else { return 0 }
            return base62().map { $0 &+ 1 }
        }

        mutating func disambiguator() -> Bool { disambiguatorValue() != nil }

        /// `["u"] decimal ["_"] bytes`.
        mutating func identifier() -> String? {
            let isPunycode = eat("u")
            guard let length = decimal() else { return nil }
            _ = eat("_")
            guard position + length <= bytes.count else { return nil }
            let text = String(decoding: bytes[position..<(position + length)], as: UTF8.self)
            position += length
            return isPunycode ? "punycode{\(text)}" : text
        }

        /// Parses at a back-reference target, then returns to just after the reference.
        mutating func backref(_ body: (inout Parser) -> Bool) -> Bool {
            guard let target = base62(), target < UInt64(position) else { return fail() }
            let resume = position
            position = Int(target)
            let ok = body(&self)
            position = resume
            return ok
        }

        mutating func enter() -> Bool {
            depth += 1
            return depth <= Self.maximumDepth && !failed
        }

        mutating func path() -> Bool {
            guard enter() else { return fail() }
            defer { depth -= 1 }
            guard let tag = next() else { return fail() }
            switch tag {
            case UInt8(ascii: "C"):
                guard disambiguator(), let name = identifier() else { return fail() }
                emit(name)
            case UInt8(ascii: "N"):
                guard let namespace = next(), path(), let index = disambiguatorValue(), let name = identifier() else {
                    return fail()
                }
                switch namespace {
                case UInt8(ascii: "C"): emit("::{closure\(name.isEmpty ? "" : ":" + name)#\(index)}")
                case UInt8(ascii: "S"): emit("::{shim\(name.isEmpty ? "" : ":" + name)#\(index)}")
                default: emit(name.isEmpty ? "" : "::" + name)
                }
            case UInt8(ascii: "M"):
                guard disambiguator() else { return fail() }
                let saved = output
                guard path() else { return fail() }
                output = saved
                emit("<")
                guard type() else { return fail() }
                emit(">")
            case UInt8(ascii: "X"):
                guard disambiguator() else { return fail() }
                let saved = output
                guard path() else { return fail() }
                output = saved
                emit("<")
                guard type() else { return fail() }
                emit(" as ")
                guard path() else { return fail() }
                emit(">")
            case UInt8(ascii: "Y"):
                emit("<")
                guard type() else { return fail() }
                emit(" as ")
                guard path() else { return fail() }
                emit(">")
            case UInt8(ascii: "I"):
                guard path() else { return fail() }
                emit("::<")
                var first = true
                while !eat("E") {
                    if !first { emit(", ") }
                    first = false
                    guard genericArgument() else { return fail() }
                }
                emit(">")
            case UInt8(ascii: "B"):
                return backref { $0.path() }
            default:
                return fail()
            }
            return !failed
        }

        mutating func genericArgument() -> Bool {
            if eat("L") { _ = base62(); emit("'_"); return true }
            if eat("K") { return constant() }
            return type()
        }

        mutating func constant() -> Bool {
            guard enter() else { return fail() }
            defer { depth -= 1 }
            if eat("p") { emit("_"); return true }
            if eat("B") { return backref { $0.constant() } }
            guard next() != nil else { return fail() }  // the constant's type
            let negative = eat("n")
            var hex = ""
            while let byte = next(), byte != UInt8(ascii: "_") {
                guard hex.count < 32 else { return fail() }
                hex.append(Character(UnicodeScalar(byte)))
            }
            emit((negative ? "-" : "") + (UInt64(hex, radix: 16).map(String.init) ?? "0x" + hex))
            return true
        }

        static let basicTypes: [UInt8: String] = [
            UInt8(ascii: "a"): "i8", UInt8(ascii: "b"): "bool", UInt8(ascii: "c"): "char", UInt8(ascii: "d"): "f64",
            UInt8(ascii: "e"): "str", UInt8(ascii: "f"): "f32", UInt8(ascii: "h"): "u8", UInt8(ascii: "i"): "isize",
            UInt8(ascii: "j"): "usize", UInt8(ascii: "l"): "i32", UInt8(ascii: "m"): "u32", UInt8(ascii: "n"): "i128",
            UInt8(ascii: "o"): "u128", UInt8(ascii: "s"): "i16", UInt8(ascii: "t"): "u16", UInt8(ascii: "u"): "()",
            UInt8(ascii: "v"): "...", UInt8(ascii: "x"): "i64", UInt8(ascii: "y"): "u64", UInt8(ascii: "z"): "!",
            UInt8(ascii: "p"): "_"
        ]

        mutating func type() -> Bool {
            guard enter() else { return fail() }
            defer { depth -= 1 }
            guard let tag = peek() else { return fail() }
            if let basic = Self.basicTypes[tag] {
                position += 1
                emit(basic)
                return true
            }
            position += 1
            switch tag {
            case UInt8(ascii: "R"), UInt8(ascii: "Q"):
                if eat("L") { _ = base62() }
                emit(tag == UInt8(ascii: "R") ? "&" : "&mut ")
                return type()
            case UInt8(ascii: "P"), UInt8(ascii: "O"):
                emit(tag == UInt8(ascii: "P") ? "*const " : "*mut ")
                return type()
            case UInt8(ascii: "A"):
                emit("[")
                guard type() else { return fail() }
                emit("; ")
                guard constant() else { return fail() }
                emit("]")
            case UInt8(ascii: "S"):
                emit("[")
                guard type() else { return fail() }
                emit("]")
            case UInt8(ascii: "T"):
                emit("(")
                var count = 0
                while !eat("E") {
                    if count > 0 { emit(", ") }
                    guard type() else { return fail() }
                    count += 1
                }
                emit(count == 1 ? ",)" : ")")
            case UInt8(ascii: "F"):
                if eat("G") { _ = base62() }
                let isUnsafe = eat("U")
                if eat("K") {
                    if !eat("C") { _ = identifier() }
                }
                emit(isUnsafe ? "unsafe fn(" : "fn(")
                var count = 0
                while !eat("E") {
                    if count > 0 { emit(", ") }
                    guard type() else { return fail() }
                    count += 1
                }
                emit(")")
                if peek() == UInt8(ascii: "u") {
                    position += 1
                } else {
                    emit(" -> ")
                    guard type() else { return fail() }
                }
            case UInt8(ascii: "D"):
                if eat("G") { _ = base62() }
                emit("dyn ")
                var count = 0
                while !eat("E") {
                    if count > 0 { emit(" + ") }
                    guard path() else { return fail() }
                    while eat("p") {
                        guard let name = identifier() else { return fail() }
                        emit("<\(name) = ")
                        guard type() else { return fail() }
                        emit(">")
                    }
                    count += 1
                }
                guard eat("L"), base62() != nil else { return fail() }
            case UInt8(ascii: "B"):
                return backref { $0.type() }
            default:
                position -= 1
                return path()
            }
            return !failed
        }
    }
}
