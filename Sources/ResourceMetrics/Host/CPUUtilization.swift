import LinuxHost

/// One CPU's (or all CPUs') time split between two samples, in % of its ticks, as mpstat
/// prints it.
///
/// mpstat's formulas (sysstat `rd_stats.c`/`mpstat.c`): the denominator is the increase of
/// user + nice + system + idle + iowait + irq + softirq + steal (guest is already inside
/// user, guest_nice inside nice); `%usr` = Δ(user − guest), `%nice` = Δ(nice − guest_nice),
/// `%guest` = Δguest, `%gnice` = Δguest_nice, each divided by that total × 100.
package struct CPUUtilization: Sendable, Equatable, Codable {
    /// `%usr`: user time minus guest.
    package var userPercent = 0.0
    /// `%nice`: niced user time minus guest_nice.
    package var nicePercent = 0.0
    /// `%sys`.
    package var systemPercent = 0.0
    /// `%iowait`: idle with I/O outstanding.
    package var iowaitPercent = 0.0
    /// `%irq`.
    package var irqPercent = 0.0
    /// `%soft`.
    package var softirqPercent = 0.0
    /// `%steal`: taken by the hypervisor.
    package var stealPercent = 0.0
    /// `%guest`.
    package var guestPercent = 0.0
    /// `%gnice`.
    package var guestNicePercent = 0.0
    /// `%idle`.
    package var idlePercent = 0.0
    /// A counter went backwards (a CPU went offline and back, which restarts its counters).
    package var wasReset = false

    /// An empty value that the parsers fill in.
    package init() {}

    /// Everything but idle and iowait: the busy share.
    package var busyPercent: Double { 100 - idlePercent - iowaitPercent }

    /// The rates from `old` to `new`.
    package init(old: CPUTimes, new: CPUTimes) {
        var reset = false
        func delta(_ old: UInt64, _ new: UInt64) -> Double {
            let (amount, wasReset) = RateCalculator.increase(from: old, to: new)
            reset = reset || wasReset
            return Double(amount)
        }
        let total = delta(old.totalTicks, new.totalTicks)
        let user = delta(old.userTicks &- old.guestTicks, new.userTicks &- new.guestTicks)
        let nice = delta(old.niceTicks &- old.guestNiceTicks, new.niceTicks &- new.guestNiceTicks)
        let system = delta(old.systemTicks, new.systemTicks)
        let iowait = delta(old.iowaitTicks, new.iowaitTicks)
        let irq = delta(old.irqTicks, new.irqTicks)
        let softirq = delta(old.softirqTicks, new.softirqTicks)
        let steal = delta(old.stealTicks, new.stealTicks)
        let guest = delta(old.guestTicks, new.guestTicks)
        let guestNice = delta(old.guestNiceTicks, new.guestNiceTicks)
        let idle = delta(old.idleTicks, new.idleTicks)
        wasReset = reset
        // A tickless idle CPU may not have ticked at all in a short interval: show it idle, as mpstat does.
        guard total > 0 else { idlePercent = 100; return }
        userPercent = user / total * 100
        nicePercent = nice / total * 100
        systemPercent = system / total * 100
        iowaitPercent = iowait / total * 100
        irqPercent = irq / total * 100
        softirqPercent = softirq / total * 100
        stealPercent = steal / total * 100
        guestPercent = guest / total * 100
        guestNicePercent = guestNice / total * 100
        idlePercent = idle / total * 100
    }
}
