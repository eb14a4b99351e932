import Foundation

/// The one way a point in time is written on Periscope's command line (`--since`, `--until`,
/// `--at`): relative to now (`-2h`, `-90s`, `now`), a clock time today (`03:12`, `03:12:30`:
/// the latest one not in the future, so after midnight `23:50` is yesterday's), an ISO 8601
/// date and time (`2026-12-03T03:12:00Z`, `2026-12-03 03:12`, `+01:00` offsets; local time when
/// no zone is given), or Unix seconds (`@1796267240`).
public enum TimeText {
    /// The help wording every time option shares.
    public static let forms =
        "-2h, -30m, -1d, now, 03:12, 2026-12-03T03:12:00Z, 2026-12-03 03:12 (local), or @UNIX-SECONDS"

    /// A text that is not a point in time.
    public struct InvalidTime: Error, CustomStringConvertible {
        /// What was given.
        public var text: String

        /// Creates a value from its fields.
        public init(text: String) { self.text = text }

        /// "\"yesterday\" is not a time: write -2h, ...".
        public var description: String { "\"\(text)\" is not a time: write \(TimeText.forms)" }
    }

    /// The clock the text is read against: now, and the local offset from UTC at a moment.
    public struct Clock: Sendable {
        /// Unix seconds of "now".
        public var nowSeconds: Double
        /// Seconds east of UTC of local time at a Unix time.
        public var utcOffsetSeconds: @Sendable (Double) -> Int

        /// Creates a value from its fields.
        public init(nowSeconds: Double, utcOffsetSeconds: @escaping @Sendable (Double) -> Int) {
            self.nowSeconds = nowSeconds
            self.utcOffsetSeconds = utcOffsetSeconds
        }

        /// The system clock and the local time zone (TZ, /etc/localtime).
        public static var system: Clock {
            Clock(nowSeconds: Date().timeIntervalSince1970) { seconds in
                TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
            }
        }

        /// A fixed clock in a zone with a constant offset, for tests and UTC output.
        public static func fixed(nowSeconds: Double, utcOffsetSeconds offset: Int = 0) -> Clock {
            Clock(nowSeconds: nowSeconds) { _ in offset }
        }
    }

    /// Unix seconds of `text` read on `clock`.
    public static func unixSeconds(_ text: String, clock: Clock = .system) throws(InvalidTime) -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "now" { return clock.nowSeconds }
        if trimmed.hasPrefix("-") {
            if let days = dayCount(trimmed.dropFirst()) { return clock.nowSeconds - days * 86400 }
            guard let back = try? DurationText.seconds(String(trimmed.dropFirst())) else {
                throw InvalidTime(text: text)
            }
            return clock.nowSeconds - back
        }
        if trimmed.hasPrefix("@") {
            guard let seconds = Double(trimmed.dropFirst()), seconds.isFinite else { throw InvalidTime(text: text) }
            return seconds
        }
        if let clockTime = parseClockTime(Substring(trimmed)) {
            return latestPast(clockTime, clock: clock)
        }
        if let stamp = parseDateTime(Substring(trimmed), clock: clock) { return stamp }
        throw InvalidTime(text: text)
    }

    /// For `@Option(transform:)` on the system clock.
    public static func parseUnixSeconds(_ text: String) throws -> Double { try unixSeconds(text) }

    /// `2d` as 2 (days are not a DurationText unit: they are only a look-back).
    private static func dayCount(_ text: Substring) -> Double? {
        guard text.hasSuffix("d"), let days = Double(text.dropLast()), days.isFinite, days >= 0 else { return nil }
        return days
    }

    /// `HH:MM` or `HH:MM:SS[.fff]` as seconds after midnight.
    private static func parseClockTime(_ text: Substring) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count <= 2, parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        var second = 0.0
        if parts.count == 3 {
            guard parts[2].count >= 2, parts[2].prefix(2).allSatisfy(\.isNumber), let value = Double(parts[2]),
                value >= 0, value < 61
            else { return nil }
            second = value
        }
        return Double(hour * 3600 + minute * 60) + second
    }

    /// The latest moment not after now whose local clock reads `secondOfDay`.
    private static func latestPast(_ secondOfDay: Double, clock: Clock) -> Double {
        let offset = Double(clock.utcOffsetSeconds(clock.nowSeconds))
        let today = CivilTime(localSeconds: clock.nowSeconds + offset).dayNumber
        var candidate = localToUnix(Double(today) * 86400 + secondOfDay, clock: clock)
        if candidate > clock.nowSeconds {
            candidate = localToUnix(Double(today - 1) * 86400 + secondOfDay, clock: clock)
        }
        return candidate
    }

    /// Unix seconds of a local reading (the offset taken at that moment, so a DST change is honoured).
    private static func localToUnix(_ localSeconds: Double, clock: Clock) -> Double {
        let guess = localSeconds - Double(clock.utcOffsetSeconds(localSeconds))
        return localSeconds - Double(clock.utcOffsetSeconds(guess))
    }

    /// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH:MM|±HHMM]`.
    private static func parseDateTime(_ text: Substring, clock: Clock) -> Double? {
        guard text.count >= 10 else { return nil }
        let date = text.prefix(10)
        let dateParts = date.split(separator: "-", omittingEmptySubsequences: false)
        guard dateParts.count == 3, dateParts[0].count == 4, dateParts[1].count == 2, dateParts[2].count == 2,
            let year = Int64(dateParts[0]), let month = Int64(dateParts[1]), let day = Int64(dateParts[2]),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var rest = text.dropFirst(10)
        var secondOfDay = 0.0
        var zoneOffset: Double?
        if let separator = rest.first {
            guard separator == "T" || separator == " " else { return nil }
            rest = rest.dropFirst()
            if rest.hasSuffix("Z") {
                zoneOffset = 0
                rest = rest.dropLast()
            } else if let signIndex = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
                guard let offset = parseZone(rest[signIndex...]) else { return nil }
                zoneOffset = offset
                rest = rest[..<signIndex]
            }
            guard let clockTime = parseClockTime(rest) else { return nil }
            secondOfDay = clockTime
        }
        let local = Double(CivilTime.dayNumber(year: year, month: month, day: day)) * 86400 + secondOfDay
        if let zoneOffset { return local - zoneOffset }
        return localToUnix(local, clock: clock)
    }

    /// `+01:00`, `-0530`, `+02` as seconds east of UTC.
    private static func parseZone(_ text: Substring) -> Double? {
        let sign: Double = text.first == "-" ? -1 : 1
        let digits = text.dropFirst().filter { $0 != ":" }
        guard digits.count == 2 || digits.count == 4, digits.allSatisfy(\.isNumber),
            let hours = Double(digits.prefix(2)),
            let minutes = Double(digits.count == 4 ? String(digits.suffix(2)) : "0"),
            hours <= 14, minutes < 60
        else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
