/// Human-readable ages and durations for tables ("3d4h", "12m5s", "42s").
public enum HumanDuration {
    public static func format(seconds: Double) -> String {
        // Past Int.max seconds no Int holds it: a corrupt input, not an age.
        guard seconds.isFinite, seconds >= 0, seconds < 0x1p62 else { return "-" }
        let total = Int(seconds)
        let days = total / 86_400, hours = (total % 86_400) / 3600, minutes = (total % 3600) / 60, secs = total % 60
        if days > 0 { return "\(days)d\(hours)h" }
        if hours > 0 { return "\(hours)h\(minutes)m" }
        if minutes > 0 { return "\(minutes)m\(secs)s" }
        return "\(secs)s"
    }
}
