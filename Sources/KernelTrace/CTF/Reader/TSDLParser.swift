/// Parses TSDL (CTF 1.8 metadata text) into a `CTFMetadata`.
///
/// Handles what LTTng (kernel and user space) and babeltrace's writers emit: type aliases of
/// several words, named structures, enumerations and variants, `align(N)`, arrays and sequences
/// (several dimensions), clocks, environment, stream and event blocks; unknown blocks (`callsite`)
/// and unknown attributes are skipped.
struct TSDLParser {
    private let lexer: TSDLLexer
    private let tokens: [TSDLToken]
    private var position = 0
    private var aliases: [String: CTFType] = [:]
    private var metadata = CTFMetadata()

    static func parse(_ text: String) throws -> CTFMetadata {
        var parser = TSDLParser(lexer: try TSDLLexer(text))
        try parser.parseTopLevel()
        return parser.metadata
    }

    private init(lexer: TSDLLexer) {
        self.lexer = lexer
        self.tokens = lexer.tokens
    }

    // MARK: Token helpers

    private var current: TSDLToken? { position < tokens.count ? tokens[position] : nil }

    private func peek(_ offset: Int = 0) -> TSDLToken? {
        position + offset < tokens.count ? tokens[position + offset] : nil
    }

    private func error(_ reason: String) -> CTFReaderError {
        let line = position < tokens.count ? tokens[position].line : (tokens.last?.line ?? 0)
        return .metadataSyntax(line: Int(line), reason: reason)
    }

    private func isPunctuation(_ symbol: TSDLPunctuation, at offset: Int = 0) -> Bool {
        guard let token = peek(offset) else { return false }
        return token.kind == .punctuation && token.start == symbol.code
    }

    private func isIdentifier(_ word: StaticString, at offset: Int = 0) -> Bool {
        guard let token = peek(offset) else { return false }
        return lexer.isIdentifier(token, word)
    }

    /// The current token's name when it is an identifier.
    private var currentName: String? {
        guard let token = current, token.kind == .identifier else { return nil }
        return lexer.name(of: token)
    }

    private mutating func expect(_ symbol: TSDLPunctuation) throws {
        guard isPunctuation(symbol) else { throw error("expected `\(symbol.text)`, found \(describe(current))") }
        position += 1
    }

    private mutating func skipIf(_ symbol: TSDLPunctuation) -> Bool {
        if isPunctuation(symbol) { position += 1; return true }
        return false
    }

    private mutating func identifier() throws -> String {
        guard let word = currentName else { throw error("expected a name, found \(describe(current))") }
        position += 1
        return word
    }

    private mutating func integerValue() throws -> Int64 {
        guard let token = current, token.kind == .integer else {
            throw error("expected a number, found \(describe(current))")
        }
        position += 1
        return lexer.integer(of: token)
    }

    private func describe(_ token: TSDLToken?) -> String {
        guard let token else { return "end of metadata" }
        switch token.kind {
        case .identifier: return "`\(lexer.name(of: token))`"
        case .integer: return "\(lexer.integer(of: token))"
        case .string: return "\"\(lexer.string(of: token))\""
        case .punctuation: return "`\(TSDLPunctuation(code: token.start).text)`"
        }
    }

    /// Skips a balanced `{ ... }` block.
    private mutating func skipBlock() throws {
        try expect("{")
        var depth = 1
        while depth > 0 {
            guard current != nil else { throw error("unterminated block") }
            if isPunctuation("{") { depth += 1 } else if isPunctuation("}") { depth -= 1 }
            position += 1
        }
    }

    // MARK: Top level

    private mutating func parseTopLevel() throws {
        while let token = current {
            guard token.kind == .identifier else {
                if skipIf(";") { continue }
                throw error("unexpected \(describe(token)) at top level")
            }
            if isIdentifier("typealias") {
                try parseTypealias()
            } else if isIdentifier("trace") {
                position += 1; try parseBlock { parser, key in try parser.traceStatement(key) }
            } else if isIdentifier("env") {
                position += 1; try parseBlock { parser, key in try parser.environmentStatement(key) }
            } else if isIdentifier("clock") {
                position += 1; try parseClock()
            } else if isIdentifier("stream") {
                position += 1; try parseStream()
            } else if isIdentifier("event") {
                position += 1; try parseEvent()
            } else if isTypeKeyword() {
                _ = try typeSpecifier()
                try expect(";")
            } else {
                // Unknown block such as `callsite { ... };`.
                position += 1
                if isPunctuation("{") { try skipBlock() }
                _ = skipIf(";")
            }
        }
    }

    private mutating func parseTypealias() throws {
        position += 1
        let type = try typeSpecifier()
        var alias: CTFType = type
        // `typealias integer {...} := name;` may also carry array dimensions on the target side.
        try expect(.typeAssignment)
        var words: [String] = []
        while let word = currentName { words.append(word); position += 1 }
        guard !words.isEmpty else { throw error("typealias without a name") }
        alias = try arrayDimensions(around: alias)
        aliases[Self.aliasName(words)] = alias
        try expect(";")
    }

    /// Parses `{ statement; ... };` calling `handle` with the (dotted) key of each statement;
    /// `typealias` statements inside blocks are honoured.
    private mutating func parseBlock(_ handle: (inout TSDLParser, String) throws -> Void) throws {
        try expect("{")
        while !isPunctuation("}") {
            guard current != nil else { throw error("unterminated block") }
            if isIdentifier("typealias") { try parseTypealias(); continue }
            if skipIf(";") { continue }
            var key = try identifier()
            while skipIf(".") { key += "." + (try identifier()) }
            try handle(&self, key)
            _ = skipIf(";")
        }
        try expect("}")
        _ = skipIf(";")
    }

    /// `parseBlock` for the blocks read most (an LTTng kernel metadata has ~2,400 `integer { ... }`
    /// of five statements each): `handle` gets the key's token, to compare as bytes, and reads the
    /// value; a dotted key, which no such block knows, is read and skipped.
    private mutating func parseBlockOfPlainKeys(_ handle: (inout TSDLParser, TSDLToken) throws -> Void) throws {
        try expect("{")
        while !isPunctuation("}") {
            guard let token = current else { throw error("unterminated block") }
            if isIdentifier("typealias") { try parseTypealias(); continue }
            if skipIf(";") { continue }
            guard token.kind == .identifier else { throw error("expected a name, found \(describe(current))") }
            position += 1
            if isPunctuation(".") {
                while skipIf(".") { _ = try identifier() }
                _ = try statementValue()
            } else {
                try handle(&self, token)
            }
            _ = skipIf(";")
        }
        try expect("}")
        _ = skipIf(";")
    }

    /// After a key: `= value` (returned as text) or `:= type` (returned through `type`).
    private enum StatementValue {
        case text(String)
        case integer(Int64)
        case type(CTFType)
    }

    private mutating func statementValue() throws -> StatementValue {
        if skipIf(.typeAssignment) { return .type(try typeSpecifier()) }
        try expect("=")
        guard let token = current else { throw error("expected a value, found \(describe(current))") }
        switch token.kind {
        case .integer: position += 1; return .integer(lexer.integer(of: token))
        case .string: position += 1; return .text(lexer.string(of: token))
        case .identifier:
            var word = lexer.name(of: token)
            position += 1
            while skipIf(".") { word += "." + (try identifier()) }
            return .text(word)
        case .punctuation: throw error("expected a value, found \(describe(current))")
        }
    }

    private mutating func traceStatement(_ key: String) throws {
        let value = try statementValue()
        switch (key, value) {
        case ("byte_order", .text(let order)): metadata.bigEndian = order == "be" || order == "network"
        case ("uuid", .text(let uuid)): metadata.uuid = uuid
        case ("packet.header", .type(let type)): metadata.packetHeader = type
        default: break
        }
    }

    private mutating func environmentStatement(_ key: String) throws {
        switch try statementValue() {
        case .text(let text): metadata.environment[key] = text
        case .integer(let value): metadata.environment[key] = String(value)
        case .type: break
        }
    }

    private mutating func parseClock() throws {
        var clock = CTFClock(name: "")
        try parseBlock { parser, key in
            switch (key, try parser.statementValue()) {
            case ("name", .text(let name)): clock.name = name
            case ("freq", .integer(let frequency)): clock.frequency = UInt64(max(frequency, 1))
            case ("offset_s", .integer(let seconds)): clock.offsetSeconds = seconds
            case ("offset", .integer(let cycles)): clock.offsetCycles = cycles
            default: break
            }
        }
        metadata.clocks[clock.name] = clock
    }

    private mutating func parseStream() throws {
        var stream = CTFStreamClass(id: 0)
        try parseBlock { parser, key in
            switch (key, try parser.statementValue()) {
            case ("id", .integer(let id)): stream.id = UInt64(bitPattern: id)
            case ("event.header", .type(let type)): stream.eventHeader = type
            case ("packet.context", .type(let type)): stream.packetContext = type
            case ("event.context", .type(let type)): stream.eventContext = type
            default: break
            }
        }
        metadata.streams[stream.id] = stream
    }

    private mutating func parseEvent() throws {
        var event = CTFEventDeclaration()
        try parseBlock { parser, key in
            switch (key, try parser.statementValue()) {
            case ("name", .text(let name)): event.name = name
            case ("id", .integer(let id)): event.id = UInt64(bitPattern: id)
            case ("stream_id", .integer(let id)): event.streamID = UInt64(bitPattern: id)
            case ("context", .type(let type)): event.context = type
            case ("fields", .type(let type)): event.fields = type
            default: break
            }
        }
        metadata.events.append(event)
    }

    // MARK: Types

    /// A type specifier without declarator: a keyword type or an alias of one or more words.
    private mutating func typeSpecifier() throws -> CTFType {
        guard let token = current, token.kind == .identifier else {
            throw error("expected a type, found \(describe(current))")
        }
        if isIdentifier("integer") {
            position += 1
            return .integer(try integerAttributes())
        }
        if isIdentifier("floating_point") {
            position += 1
            return .floatingPoint(try floatAttributes())
        }
        if isIdentifier("string") {
            position += 1
            if isPunctuation("{") { try skipBlock() }
            return .string
        }
        if isIdentifier("struct") {
            position += 1
            return try structure()
        }
        if isIdentifier("variant") {
            position += 1
            return try variant()
        }
        if isIdentifier("enum") {
            position += 1
            return try enumeration()
        }
        // An alias name: the longest run of words that names a known alias.
        var words: [String] = []
        var offset = 0
        var best: (length: Int, type: CTFType)?
        while let next = peek(offset), next.kind == .identifier {
            words.append(lexer.name(of: next))
            offset += 1
            if let type = aliases[Self.aliasName(words)] { best = (offset, type) }
        }
        guard let best else { throw error("unknown type `\(words.joined(separator: " "))`") }
        position += best.length
        return best.type
    }

    /// The words of an alias as its key: most are one word (`uint32_t`), kept as is.
    private static func aliasName(_ words: some Collection<String>) -> String {
        if words.count == 1 { return words.first! }
        var name = ""
        for (position, word) in words.enumerated() {
            if position > 0 { name += " " }
            name += word
        }
        return name
    }

    /// Whether the current token is a keyword that starts a type (`integer`, `struct`, ...).
    private func isTypeKeyword() -> Bool {
        isIdentifier("integer") || isIdentifier("floating_point") || isIdentifier("string") || isIdentifier("struct")
            || isIdentifier("variant") || isIdentifier("enum")
    }

    /// The keys an integer block knows, told apart by their bytes.
    private enum IntegerKey {
        case size, align, signed, base, byteOrder, encoding, map, other
    }

    private func integerKey(_ token: TSDLToken) -> IntegerKey {
        if lexer.isIdentifier(token, "size") { return .size }
        if lexer.isIdentifier(token, "align") { return .align }
        if lexer.isIdentifier(token, "signed") { return .signed }
        if lexer.isIdentifier(token, "base") { return .base }
        if lexer.isIdentifier(token, "byte_order") { return .byteOrder }
        if lexer.isIdentifier(token, "encoding") { return .encoding }
        if lexer.isIdentifier(token, "map") { return .map }
        return .other
    }

    private mutating func integerAttributes() throws -> CTFIntegerType {
        var integer = CTFIntegerType()
        var explicitAlignment = false
        try parseBlockOfPlainKeys { parser, keyToken in
            let key = parser.integerKey(keyToken)
            switch (key, try parser.statementValue()) {
            case (.size, .integer(let size)): integer.sizeInBits = Int(size)
            case (.align, .integer(let alignment)):
                integer.alignmentInBits = try parser.alignment(alignment); explicitAlignment = true
            case (.signed, .integer(let flag)): integer.isSigned = flag != 0
            case (.signed, .text(let flag)): integer.isSigned = flag.lowercased() == "true"
            case (.byteOrder, .text(let order)): integer.byteOrder = Self.byteOrder(order)
            case (.base, .integer(let base)): integer.displayBase = Int(base)
            case (.base, .text(let base)):
                switch base {
                case "hex", "x", "X", "p": integer.displayBase = 16
                case "oct", "o": integer.displayBase = 8
                case "binary", "b": integer.displayBase = 2
                default: integer.displayBase = 10
                }
            case (.encoding, .text(let encoding)): integer.isText = encoding == "UTF8" || encoding == "ASCII"
            case (.map, .text(let map)):
                let parts = map.split(separator: ".")
                if parts.count == 3, parts[0] == "clock" { integer.mappedClock = String(parts[1]) }
            default: break
            }
        }
        // The default alignment is 1 bit for integers whose size is not a multiple of 8, else 8.
        if !explicitAlignment { integer.alignmentInBits = integer.sizeInBits % 8 == 0 ? 8 : 1 }
        guard integer.sizeInBits > 0, integer.sizeInBits <= 64 else {
            throw error("integer size \(integer.sizeInBits) is not in 1...64")
        }
        return integer
    }

    private mutating func floatAttributes() throws -> CTFFloatType {
        var float = CTFFloatType()
        try parseBlock { parser, key in
            switch (key, try parser.statementValue()) {
            case ("exp_dig", .integer(let digits)): float.exponentDigits = Int(digits)
            case ("mant_dig", .integer(let digits)): float.mantissaDigits = Int(digits)
            case ("align", .integer(let alignment)): float.alignmentInBits = try parser.alignment(alignment)
            case ("byte_order", .text(let order)): float.byteOrder = Self.byteOrder(order)
            default: break
            }
        }
        guard float.sizeInBits == 32 || float.sizeInBits == 64 else {
            throw error("floating point of \(float.sizeInBits) bits is not supported (32 or 64)")
        }
        return float
    }

    private static func byteOrder(_ text: String) -> CTFByteOrder {
        switch text {
        case "le": .little
        case "be", "network": .big
        default: .native
        }
    }

    /// The name after `struct`/`variant` (`struct packet_context { ... }`, `struct name`), if any.
    private mutating func optionalName() -> String? {
        guard let name = currentName else { return nil }
        position += 1
        return name
    }

    private mutating func structure() throws -> CTFType {
        let name = optionalName()
        var type: CTFType
        if isPunctuation("{") {
            position += 1
            let members = try memberDeclarations()
            var alignment = 1
            if isIdentifier("align"), isPunctuation("(", at: 1) {
                position += 2
                alignment = try self.alignment(try integerValue())
                try expect(")")
            }
            type = .structure(members, minimumAlignmentInBits: alignment)
            if let name { aliases["struct " + name] = type }
        } else {
            guard let name, let known = aliases["struct " + name] else { throw error("unknown structure") }
            type = known
            if isIdentifier("align"), isPunctuation("(", at: 1) {
                position += 2
                let alignment = try self.alignment(try integerValue())
                try expect(")")
                if case .structure(let members, let minimum) = known {
                    type = .structure(members, minimumAlignmentInBits: max(minimum, alignment))
                }
            }
        }
        return type
    }

    private mutating func variant() throws -> CTFType {
        let name = optionalName()
        var tag: String?
        if skipIf("<") {
            var path = try identifier()
            while skipIf(".") { path += "." + (try identifier()) }
            tag = path
            try expect(">")
        }
        if isPunctuation("{") {
            position += 1
            let options = try memberDeclarations()
            if let name { aliases["variant " + name] = .variant(tag: tag ?? "", options: options) }
            return .variant(tag: tag ?? "", options: options)
        }
        guard let name, case .variant(let knownTag, let options)? = aliases["variant " + name] else {
            throw error("unknown variant")
        }
        return .variant(tag: tag ?? knownTag, options: options)
    }

    private mutating func enumeration() throws -> CTFType {
        let name = optionalName()
        var container = CTFIntegerType(sizeInBits: 32, alignmentInBits: 8, isSigned: true)
        if skipIf(":") {
            let type = try typeSpecifier()
            guard case .integer(let integer) = type else { throw error("enumeration container is not an integer") }
            container = integer
        } else if let name, !isPunctuation("{"), let known = aliases["enum " + name] {
            return known
        }
        guard isPunctuation("{") else {
            if let name, let known = aliases["enum " + name] { return known }
            throw error("enumeration without mappings")
        }
        position += 1
        var mappings: [EventEnumerationMapping] = []
        var next: Int64 = 0
        while !isPunctuation("}") {
            let label: String
            if let word = currentName {
                label = word
            } else if let token = current, token.kind == .string {
                label = lexer.string(of: token)
            } else {
                throw error("expected an enumeration label, found \(describe(current))")
            }
            position += 1
            var lower = next, upper = next
            if skipIf("=") {
                lower = try integerValue()
                upper = lower
                if skipIf(.ellipsis) { upper = try integerValue() }
            }
            mappings.append(EventEnumerationMapping(label: label, lower: lower, upper: upper))
            next = upper &+ 1
            if !skipIf(",") { break }
        }
        try expect("}")
        let type = CTFType.enumeration(container, mappings)
        if let name { aliases["enum " + name] = type }
        return type
    }

    /// Members of a structure or variant up to and including the closing `}`.
    private mutating func memberDeclarations() throws -> [CTFNamedType] {
        var members: [CTFNamedType] = []
        while !isPunctuation("}") {
            guard current != nil else { throw error("unterminated structure") }
            if isIdentifier("typealias") { try parseTypealias(); continue }
            if skipIf(";") { continue }
            let type = try memberTypeSpecifier()
            repeat {
                let name = try identifier()
                members.append(CTFNamedType(name: name, type: try arrayDimensions(around: type)))
            } while skipIf(",")
            try expect(";")
        }
        try expect("}")
        return members
    }

    /// Like `typeSpecifier`, but an alias name never swallows the declarator that follows it.
    private mutating func memberTypeSpecifier() throws -> CTFType {
        guard let token = current, token.kind == .identifier else {
            throw error("expected a type, found \(describe(current))")
        }
        if isTypeKeyword() { return try typeSpecifier() }
        var words: [String] = []
        var offset = 0
        while let next = peek(offset), next.kind == .identifier { words.append(lexer.name(of: next)); offset += 1 }
        guard words.count >= 2 else { throw error("member `\(lexer.name(of: token))` has no type") }
        let typeWords = words.dropLast()
        guard let type = aliases[Self.aliasName(typeWords)] else {
            throw error("unknown type `\(typeWords.joined(separator: " "))`")
        }
        position += typeWords.count
        return type
    }

    /// The longest fixed array accepted (elements).
    static let maximumArrayLength = 1 << 24

    /// An `align` value: a power of two from 1 bit to 2^16 bits, which is far past any real
    /// type's and keeps the decoder's 32-bit alignment arithmetic exact.
    mutating func alignment(_ value: Int64) throws -> Int {
        guard value > 0, value <= 1 << 16, value & (value - 1) == 0 else {
            throw error("alignment \(value) is not a power of two in 1...65536")
        }
        return Int(value)
    }

    /// `name[4][len]`: dimensions apply outermost first.
    private mutating func arrayDimensions(around element: CTFType) throws -> CTFType {
        var lengths: [Either] = []
        while skipIf("[") {
            switch current?.kind {
            case .integer:
                let length = lexer.integer(of: tokens[position])
                // Lengths index the decoder's 32-bit counts; an event is far smaller anyway.
                guard (0...Int64(Self.maximumArrayLength)).contains(length) else {
                    throw error("array length \(length) is not in 0...\(Self.maximumArrayLength)")
                }
                position += 1
                lengths.append(.fixed(Int(length)))
            case .identifier:
                var path = try identifier()
                while skipIf(".") { path += "." + (try identifier()) }
                lengths.append(.field(path))
            default: throw error("bad array length \(describe(current))")
            }
            try expect("]")
        }
        var type = element
        for length in lengths.reversed() {
            switch length {
            case .fixed(let count): type = .array(element: type, length: count)
            case .field(let path): type = .sequence(element: type, lengthField: path)
            }
        }
        return type
    }

    private enum Either {
        case fixed(Int)
        case field(String)
    }
}
