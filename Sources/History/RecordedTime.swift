import Reporting

/// Times of a recording as people read them: local time with the offset, to the second.
package enum RecordedTime {
    /// `2026-12-03 03:12:07 +01:00`.
    package static func text(_ unixSeconds: Double, clock: TimeText.Clock = .system) -> String {
        let offset = clock.utcOffsetSeconds(unixSeconds)
        let civil = CivilTime(localSeconds: unixSeconds + Double(offset))
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3600, minutes = abs(offset) % 3600 / 60
        return
            "\(civil.date) \(civil.hourMinuteSecond) \(sign)\(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes)"
    }
}
