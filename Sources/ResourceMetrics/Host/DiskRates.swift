import LinuxHost

/// One device's I/O between two samples, as `iostat -x` prints it.
///
/// Formulas (sysstat `common.c` `compute_ext_disk_stats` and `iostat.c`), with Δ the
/// increase of a /proc/diskstats field and Δt the interval:
/// - `r/s` = Δreads completed / Δt; `w/s` likewise
/// - `rkB/s` = Δsectors read × 512 / 1024 / Δt; `wkB/s` likewise
/// - `rrqm/s` = Δreads merged / Δt; `%rrqm` = Δmerged / (Δmerged + Δreads) × 100
/// - `r_await` = Δread ms / Δreads completed (0 with no reads); `w_await` likewise
/// - `rareq-sz` = Δsectors read / 2 / Δreads (kB per request)
/// - `aqu-sz` = Δweighted ms / (Δt in ms): the average number of requests queued or in flight
/// - `%util` = Δio_ticks ms / (Δt in ms) × 100, capped at 100. On devices serving requests in
///   parallel (NVMe, RAID) 100% does not mean saturated.
package struct DiskRates: Sendable, Equatable, Codable {
    /// The device.
    package var device: BlockDeviceNumber
    /// The kernel name.
    package var name: String
    /// `r/s`.
    package var readsPerSecond = 0.0
    /// `w/s`.
    package var writesPerSecond = 0.0
    /// `rkB/s`.
    package var readKilobytesPerSecond = 0.0
    /// `wkB/s`.
    package var writtenKilobytesPerSecond = 0.0
    /// `rrqm/s`.
    package var readsMergedPerSecond = 0.0
    /// `wrqm/s`.
    package var writesMergedPerSecond = 0.0
    /// `%rrqm`.
    package var readMergedPercent = 0.0
    /// `%wrqm`.
    package var writeMergedPercent = 0.0
    /// `r_await`: mean read time, queue included.
    package var readAwaitMilliseconds = 0.0
    /// `w_await`.
    package var writeAwaitMilliseconds = 0.0
    /// `rareq-sz`.
    package var readRequestKilobytes = 0.0
    /// `wareq-sz`.
    package var writeRequestKilobytes = 0.0
    /// `aqu-sz`.
    package var averageQueueSize = 0.0
    /// `%util`.
    package var utilizationPercent = 0.0
    /// Requests in flight at the newer sample.
    package var inFlight: UInt64 = 0
    /// A counter went backwards (the device was removed and re-added).
    package var wasReset = false

    /// The rates from `old` to `new`.
    package init(old: DiskStats, new: DiskStats, rates: RateCalculator) {
        device = new.device
        name = new.name
        inFlight = new.inFlight
        var reset = false
        func delta(_ old: UInt64, _ new: UInt64) -> Double {
            let (amount, wasReset) = RateCalculator.increase(from: old, to: new)
            reset = reset || wasReset
            return Double(amount)
        }
        let seconds = rates.elapsedSeconds
        let reads = delta(old.readsCompleted, new.readsCompleted)
        let writes = delta(old.writesCompleted, new.writesCompleted)
        let readsMerged = delta(old.readsMerged, new.readsMerged)
        let writesMerged = delta(old.writesMerged, new.writesMerged)
        let sectorsRead = delta(old.sectorsRead, new.sectorsRead)
        let sectorsWritten = delta(old.sectorsWritten, new.sectorsWritten)
        let readMilliseconds = delta(old.readMilliseconds, new.readMilliseconds)
        let writeMilliseconds = delta(old.writeMilliseconds, new.writeMilliseconds)
        let busyMilliseconds = delta(old.busyMilliseconds, new.busyMilliseconds)
        let weightedMilliseconds = delta(old.weightedBusyMilliseconds, new.weightedBusyMilliseconds)
        wasReset = reset
        readsPerSecond = reads / seconds
        writesPerSecond = writes / seconds
        readKilobytesPerSecond = sectorsRead / 2 / seconds
        writtenKilobytesPerSecond = sectorsWritten / 2 / seconds
        readsMergedPerSecond = readsMerged / seconds
        writesMergedPerSecond = writesMerged / seconds
        readMergedPercent = readsMerged + reads > 0 ? readsMerged / (readsMerged + reads) * 100 : 0
        writeMergedPercent = writesMerged + writes > 0 ? writesMerged / (writesMerged + writes) * 100 : 0
        readAwaitMilliseconds = reads > 0 ? readMilliseconds / reads : 0
        writeAwaitMilliseconds = writes > 0 ? writeMilliseconds / writes : 0
        readRequestKilobytes = reads > 0 ? sectorsRead / 2 / reads : 0
        writeRequestKilobytes = writes > 0 ? sectorsWritten / 2 / writes : 0
        averageQueueSize = weightedMilliseconds / (seconds * 1000)
        utilizationPercent = min(busyMilliseconds / (seconds * 1000) * 100, 100)
    }
}
