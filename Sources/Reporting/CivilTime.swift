/// A clock reading split into date and time, and back, for seconds since the Unix epoch read
/// on a clock `offset` seconds east of UTC (Howard Hinnant's days-from-civil algorithms: exact
/// for every Gregorian date, no time zone database needed).
public struct CivilTime: Sendable, Equatable {
    public var year: Int64
    /// 1-12.
    public var month: Int64
    /// 1-31.
    public var day: Int64
    public var hour: Int64
    public var minute: Int64
    public var second: Int64
    /// Days since 1970-01-01 on this clock.
    public var dayNumber: Int64

    /// The reading at `localSeconds` (Unix seconds plus the clock's offset).
    public init(localSeconds: Double) {
        let whole = Int64(localSeconds.rounded(.down))
        var days = whole / 86400
        var secondOfDay = whole % 86400
        if secondOfDay < 0 {
            secondOfDay += 86400
            days -= 1
        }
        dayNumber = days
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 of a date (month 1-12; not range-checked).
    public static func dayNumber(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `2026-12-03`.
    public var date: String { "\(year)-\(Self.two(month))-\(Self.two(day))" }
    /// `03:12`.
    public var hourMinute: String { "\(Self.two(hour)):\(Self.two(minute))" }
    /// `03:12:07`.
    public var hourMinuteSecond: String { "\(hourMinute):\(Self.two(second))" }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
