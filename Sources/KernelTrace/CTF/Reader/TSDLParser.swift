/// Parses TSDL (CTF 1.8 metadata text) into a `CTFMetadata`.
///
/// Handles what LTTng (kernel and user space) and babeltrace's writers emit: type aliases of
/// several words, named structures, enumerations and variants, `align(N)`, arrays and sequences
/// (several dimensions), clocks, environment, stream and event blocks; unknown blocks (`callsite`)
/// and unknown attributes are skipped.
struct TSDLParser {
    private let tokens: [TSDLToken]
    private let lines: [Int]
    private var position = 0
    private var aliases: [String: CTFType] = [:]
    private var metadata = CTFMetadata()

    static func parse(_ text: String) throws -> CTFMetadata {
        let lexer = try TSDLLexer(text)
        var parser = TSDLParser(tokens: lexer.tokens, lines: lexer.lines)
        try parser.parseTopLevel()
        return parser.metadata
    }

    private init(tokens: [TSDLToken], lines: [Int]) {
        self.tokens = tokens
        self.lines = lines
    }

    // MARK: Token helpers

    private var current: TSDLToken? { position < tokens.count ? tokens[position] : nil }

    private func peek(_ offset: Int = 0) -> TSDLToken? {
        position + offset < tokens.count ? tokens[position + offset] : nil
    }

    private func error(_ reason: String) -> CTFReaderError {
        .metadataSyntax(line: position < lines.count ? lines[position] : (lines.last ?? 0), reason: reason)
    }

    private func isPunctuation(_ symbol: String, at offset: Int = 0) -> Bool { peek(offset) == .punctuation(symbol) }

    private func isIdentifier(_ word: String) -> Bool { current == .identifier(word) }

    private mutating func expect(_ symbol: String) throws {
        guard current == .punctuation(symbol) else { throw error("expected `\(symbol)`, found \(describe(current))") }
        position += 1
    }

    private mutating func skipIf(_ symbol: String) -> Bool {
        if current == .punctuation(symbol) { position += 1; return true }
        return false
    }

    private mutating func identifier() throws -> String {
        guard case .identifier(let word) = current else { throw error("expected a name, found \(describe(current))") }
        position += 1
        return word
    }

    private mutating func integerValue() throws -> Int64 {
        switch current {
        case .integer(let value): position += 1; return value
        default: throw error("expected a number, found \(describe(current))")
        }
    }

    private func describe(_ token: TSDLToken?) -> String {
        switch token {
        case nil: "end of metadata"
        case .identifier(let word): "`\(word)`"
        case .integer(let value): "\(value)"
        case .string(let text): "\"\(text)\""
        case .punctuation(let symbol): "`\(symbol)`"
        }
    }

    /// Skips a balanced `{ ... }` block.
    private mutating func skipBlock() throws {
        try expect("{")
        var depth = 1
        while depth > 0 {
            guard let token = current else { throw error("unterminated block") }
            if token == .punctuation("{") { depth += 1 } else if token == .punctuation("}") { depth -= 1 }
            position += 1
        }
    }

    // MARK: Top level

    private mutating func parseTopLevel() throws {
        while let token = current {
            guard case .identifier(let word) = token else {
                if skipIf(";") { continue }
                throw error("unexpected \(describe(token)) at top level")
            }
            switch word {
            case "typealias": try parseTypealias()
            case "trace": position += 1; try parseBlock { parser, key in try parser.traceStatement(key) }
            case "env": position += 1; try parseBlock { parser, key in try parser.environmentStatement(key) }
            case "clock": position += 1; try parseClock()
            case "stream": position += 1; try parseStream()
            case "event": position += 1; try parseEvent()
            case "struct", "variant", "enum", "integer", "floating_point", "string":
                _ = try typeSpecifier()
                try expect(";")
            default:
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
        try expect(":=")
        var words: [String] = []
        while case .identifier(let word) = current { words.append(word); position += 1 }
        guard !words.isEmpty else { throw error("typealias without a name") }
        alias = try arrayDimensions(around: alias)
        aliases[words.joined(separator: " ")] = alias
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

    /// After a key: `= value` (returned as text) or `:= type` (returned through `type`).
    private enum StatementValue {
        case text(String)
        case integer(Int64)
        case type(CTFType)
    }

    private mutating func statementValue() throws -> StatementValue {
        if skipIf(":=") { return .type(try typeSpecifier()) }
        try expect("=")
        switch current {
        case .integer(let value): position += 1; return .integer(value)
        case .string(let text): position += 1; return .text(text)
        case .identifier(var word):
            position += 1
            while skipIf(".") { word += "." + (try identifier()) }
            return .text(word)
        default: throw error("expected a value, found \(describe(current))")
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
        guard case .identifier(let word) = current else { throw error("expected a type, found \(describe(current))") }
        switch word {
        case "integer":
            position += 1
            return .integer(try integerAttributes())
        case "floating_point":
            position += 1
            return .floatingPoint(try floatAttributes())
        case "string":
            position += 1
            if isPunctuation("{") { try skipBlock() }
            return .string
        case "struct":
            position += 1
            return try structure()
        case "variant":
            position += 1
            return try variant()
        case "enum":
            position += 1
            return try enumeration()
        default:
            // An alias name: the longest run of words that names a known alias.
            var words: [String] = []
            var offset = 0
            var best: (length: Int, type: CTFType)?
            while case .identifier(let next)? = peek(offset) {
                words.append(next)
                offset += 1
                if let type = aliases[words.joined(separator: " ")] { best = (offset, type) }
            }
            guard let best else { throw error("unknown type `\(words.joined(separator: " "))`") }
            position += best.length
            return best.type
        }
    }

    private mutating func integerAttributes() throws -> CTFIntegerType {
        var integer = CTFIntegerType()
        var explicitAlignment = false
        try parseBlock { parser, key in
            switch (key, try parser.statementValue()) {
            case ("size", .integer(let size)): integer.sizeInBits = Int(size)
            case ("align", .integer(let alignment)):
                integer.alignmentInBits = try parser.alignment(alignment); explicitAlignment = true
            case ("signed", .integer(let flag)): integer.isSigned = flag != 0
            case ("signed", .text(let flag)): integer.isSigned = flag.lowercased() == "true"
            case ("byte_order", .text(let order)): integer.byteOrder = Self.byteOrder(order)
            case ("base", .integer(let base)): integer.displayBase = Int(base)
            case ("base", .text(let base)):
                switch base {
                case "hex", "x", "X", "p": integer.displayBase = 16
                case "oct", "o": integer.displayBase = 8
                case "binary", "b": integer.displayBase = 2
                default: integer.displayBase = 10
                }
            case ("encoding", .text(let encoding)): integer.isText = encoding == "UTF8" || encoding == "ASCII"
            case ("map", .text(let map)):
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
        if case .identifier(let name) = current {
            position += 1
            return name
        }
        return nil
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
            switch current {
            case .identifier(let word): label = word
            case .string(let text): label = text
            default: throw error("expected an enumeration label, found \(describe(current))")
            }
            position += 1
            var lower = next, upper = next
            if skipIf("=") {
                lower = try integerValue()
                upper = lower
                if skipIf("...") { upper = try integerValue() }
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
        guard case .identifier(let word) = current else { throw error("expected a type, found \(describe(current))") }
        if ["integer", "floating_point", "string", "struct", "variant", "enum"].contains(word) {
            return try typeSpecifier()
        }
        var words: [String] = []
        var offset = 0
        while case .identifier(let next)? = peek(offset) { words.append(next); offset += 1 }
        guard words.count >= 2 else { throw error("member `\(word)` has no type") }
        let typeWords = words.dropLast()
        guard let type = aliases[typeWords.joined(separator: " ")] else {
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
            switch current {
            case .integer(let length):
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
