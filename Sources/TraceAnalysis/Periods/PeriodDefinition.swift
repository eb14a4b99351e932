/// One `--period 'NAME[(PARENT)]:BEGIN_EXPR[:END_EXPR]'`, with its `--period-captures`.
public struct PeriodDefinition: Sendable {
    public var name: String
    public var parent: String?
    var begin: PeriodExpression
    /// nil: the period ends where the next one begins (the begin expression matches again).
    var end: PeriodExpression?
    var beginCaptures: [(String, PeriodExpression)] = []
    var endCaptures: [(String, PeriodExpression)] = []

    /// Parses `NAME[(PARENT)]:BEGIN[:END]`. Colons inside quotes do not split.
    public init(parsing text: String) throws(PeriodSyntaxError) {
        let parts = Self.split(text)
        guard parts.count == 2 || parts.count == 3 else {
            throw PeriodSyntaxError(text: text, reason: "expected NAME[(PARENT)]:BEGIN_EXPR[:END_EXPR]")
        }
        var head = parts[0].trimmingCharacters(in: .whitespaces)
        if let open = head.firstIndex(of: "("), head.hasSuffix(")") {
            parent = String(head[head.index(after: open)..<head.index(before: head.endIndex)]).trimmingCharacters(
                in: .whitespaces)
            head = String(head[..<open]).trimmingCharacters(in: .whitespaces)
        }
        guard !head.isEmpty, head.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw PeriodSyntaxError(text: text, reason: "bad period name `\(head)`")
        }
        name = head
        begin = try PeriodExpressionParser.parse(parts[1])
        end = parts.count == 3 ? try PeriodExpressionParser.parse(parts[2]) : nil
    }

    /// Adds `NAME: a = EXPR, b = EXPR[: c = EXPR]` captures (begin, then end).
    public mutating func addCaptures(_ text: String) throws(PeriodSyntaxError) {
        let parts = Self.split(text)
        guard parts.count >= 2, parts[0].trimmingCharacters(in: .whitespaces) == name else {
            throw PeriodSyntaxError(text: text, reason: "expected \(name): NAME = EXPR, ...")
        }
        beginCaptures += try Self.captures(parts[1], text: text)
        if parts.count > 2 { endCaptures += try Self.captures(parts[2], text: text) }
    }

    private static func captures(_ list: String, text: String) throws(PeriodSyntaxError) -> [(String, PeriodExpression)]
    {
        var result: [(String, PeriodExpression)] = []
        for item in list.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else {
                throw PeriodSyntaxError(text: text, reason: "capture `\(item)` is not NAME = EXPR")
            }
            result.append(
                (pair[0].trimmingCharacters(in: .whitespaces), try PeriodExpressionParser.parse(String(pair[1]))))
        }
        return result
    }

    /// The captures' names at both ends, for tables.
    var captureNames: [String] { beginCaptures.map(\.0) + endCaptures.map(\.0) }

    static func split(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var depth = 0
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if character == ":" && depth == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }
}
