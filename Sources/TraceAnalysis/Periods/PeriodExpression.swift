/// A value in a period expression.
public enum PeriodValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case integer(Int64)
    case string(String)
    case missing

    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .string(let value): value
        case .missing: "-"
        }
    }
}

/// The event an expression looks at, and the begin event of the period instance it may refer to.
struct PeriodContext {
    var record: EventRecord
    var thread: Int32
    var state: KernelState
    var begin: [String: PeriodValue]?
    var parentBegin: [String: PeriodValue]?
}

/// A parsed period expression (`$evt.$name == "syscall_entry_read" && $evt.fd == $begin.$evt.ret`).
indirect enum PeriodExpression: Sendable {
    case literal(PeriodValue)
    /// `$evt.NAME` (fields, plus `$name`, `$cpu`, `$ts`, `$container` and the thread's `tid`,
    /// `pid`, `procname` when the event has no such field).
    case eventField(String)
    /// `$begin.$evt.NAME`: the value at the begin of this period instance.
    case beginField(String)
    /// `$parent.$begin.$evt.NAME`.
    case parentBeginField(String)
    case not(PeriodExpression)
    case and(PeriodExpression, PeriodExpression)
    case or(PeriodExpression, PeriodExpression)
    case compare(String, PeriodExpression, PeriodExpression)

    func evaluate(_ context: PeriodContext) -> PeriodValue {
        switch self {
        case .literal(let value): return value
        case .eventField(let name): return Self.field(name, of: context)
        case .beginField(let name): return context.begin?[name] ?? .missing
        case .parentBeginField(let name): return context.parentBegin?[name] ?? .missing
        case .not(let operand): return .integer(operand.isTrue(context) ? 0 : 1)
        case .and(let left, let right): return .integer(left.isTrue(context) && right.isTrue(context) ? 1 : 0)
        case .or(let left, let right): return .integer(left.isTrue(context) || right.isTrue(context) ? 1 : 0)
        case .compare(let operation, let left, let right):
            let lhs = left.evaluate(context), rhs = right.evaluate(context)
            if lhs == .missing || rhs == .missing { return .integer(0) }
            let result: Bool
            switch (lhs, rhs) {
            case (.integer(let a), .integer(let b)):
                result = Self.compare(operation, a, b)
            default:
                result = Self.compare(operation, lhs.description, rhs.description)
            }
            return .integer(result ? 1 : 0)
        }
    }

    func isTrue(_ context: PeriodContext) -> Bool {
        switch evaluate(context) {
        case .integer(let value): value != 0
        case .string(let value): !value.isEmpty
        case .missing: false
        }
    }

    private static func compare<T: Comparable>(_ operation: String, _ a: T, _ b: T) -> Bool {
        switch operation {
        case "==": a == b
        case "!=": a != b
        case "<": a < b
        case "<=": a <= b
        case ">": a > b
        default: a >= b
        }
    }

    static func field(_ name: String, of context: PeriodContext) -> PeriodValue {
        let record = context.record
        switch name {
        case "$name": return .string(record.eventClass.name)
        case "$cpu": return .integer(Int64(record.cpu))
        case "$ts": return .integer(Int64(bitPattern: record.timestamp))
        case "$container": return .string(context.state.container(of: context.thread).name)
        default: break
        }
        if let index = record.eventClass.fieldIndex(named: name), record.isPresent(index) {
            let field = record.eventClass.fields[index]
            switch field.kind {
            case .signedInteger, .enumeration(signed: true): return .integer(record.signed(index))
            case .unsignedInteger, .enumeration(signed: false):
                return .integer(Int64(bitPattern: record.unsigned(index)))
            case .string: return .string(record.string(index))
            default: return .missing
            }
        }
        guard context.thread >= 0 else { return .missing }
        let thread = context.state.threads[Int(context.thread)]
        switch name {
        case "tid": return .integer(Int64(thread.tid))
        case "pid": return .integer(Int64(thread.pid))
        case "ppid": return .integer(Int64(thread.ppid))
        case "procname", "comm": return .string(thread.comm)
        case "vtid": return .integer(Int64(thread.virtualTID))
        default: return .missing
        }
    }

    /// The fields read from the begin event (`$begin.$evt.NAME`), or with `parent` from the
    /// parent's (`$parent.$begin.$evt.NAME`), so a begin keeps only what is needed.
    func beginFieldNames(parent: Bool = false) -> Set<String> {
        switch self {
        case .literal, .eventField: []
        case .beginField(let name): parent ? [] : [name]
        case .parentBeginField(let name): parent ? [name] : []
        case .not(let operand): operand.beginFieldNames(parent: parent)
        case .and(let left, let right), .or(let left, let right), .compare(_, let left, let right):
            left.beginFieldNames(parent: parent).union(right.beginFieldNames(parent: parent))
        }
    }
}

/// Why a `--period` or `--period-captures` argument could not be parsed.
public struct PeriodSyntaxError: Error, CustomStringConvertible, Equatable {
    public let text: String
    public let reason: String

    public var description: String { "cannot parse `\(text)`: \(reason)" }
}

/// Parses period expressions: `||`, `&&`, `!`, comparisons, parentheses, integers, strings.
struct PeriodExpressionParser {
    private let characters: [Character]
    private var position = 0
    private let text: String

    init(_ text: String) {
        self.text = text
        self.characters = Array(text)
    }

    static func parse(_ text: String) throws(PeriodSyntaxError) -> PeriodExpression {
        var parser = PeriodExpressionParser(text)
        let expression = try parser.parseOr()
        parser.skipSpaces()
        guard parser.position == parser.characters.count else {
            throw parser.error("unexpected `\(parser.characters[parser.position])`")
        }
        return expression
    }

    private func error(_ reason: String) -> PeriodSyntaxError { PeriodSyntaxError(text: text, reason: reason) }

    private mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    private mutating func take(_ token: String) -> Bool {
        skipSpaces()
        let tokenCharacters = Array(token)
        guard position + tokenCharacters.count <= characters.count,
            Array(characters[position..<(position + tokenCharacters.count)]) == tokenCharacters
        else { return false }
        position += tokenCharacters.count
        return true
    }

    private mutating func parseOr() throws(PeriodSyntaxError) -> PeriodExpression {
        var left = try parseAnd()
        while take("||") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(PeriodSyntaxError) -> PeriodExpression {
        var left = try parseComparison()
        while take("&&") { left = .and(left, try parseComparison()) }
        return left
    }

    private mutating func parseComparison() throws(PeriodSyntaxError) -> PeriodExpression {
        let left = try parseUnary()
        for operation in ["==", "!=", "<=", ">=", "<", ">"] where take(operation) {
            return .compare(operation, left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws(PeriodSyntaxError) -> PeriodExpression {
        if take("!") { return .not(try parseUnary()) }
        if take("(") {
            let inner = try parseOr()
            guard take(")") else { throw error("missing `)`") }
            return inner
        }
        skipSpaces()
        guard position < characters.count else { throw error("expression ends too early") }
        let character = characters[position]
        if character == "\"" || character == "'" {
            position += 1
            var value = ""
            while position < characters.count, characters[position] != character {
                value.append(characters[position])
                position += 1
            }
            guard position < characters.count else { throw error("unterminated string") }
            position += 1
            return .literal(.string(value))
        }
        if character.isNumber || character == "-" {
            var digits = String(character)
            position += 1
            while position < characters.count,
                characters[position].isNumber || characters[position] == "x" || characters[position].isHexDigit
            {
                digits.append(characters[position])
                position += 1
            }
            let value = digits.hasPrefix("0x") ? Int64(digits.dropFirst(2), radix: 16) : Int64(digits)
            guard let value else { throw error("bad number `\(digits)`") }
            return .literal(.integer(value))
        }
        if take("$parent.$begin.$evt.") { return .parentBeginField(identifier()) }
        if take("$begin.$evt.") { return .beginField(identifier()) }
        if take("$evt.") { return .eventField(identifier()) }
        throw error("expected `$evt.`, `$begin.$evt.`, a number or a string at `\(String(characters[position...]))`")
    }

    private mutating func identifier() -> String {
        var name = ""
        while position < characters.count,
            characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
                || characters[position] == "$"
        {
            name.append(characters[position])
            position += 1
        }
        return name
    }
}
