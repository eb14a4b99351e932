import Recording

/// xorshift64*: fast, deterministic, good enough for synthetic noise.
struct FastRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
    /// Uniform in 0..<1.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Roughly normal (sum of four uniforms), mean 0, deviation ~1.
    mutating func normal() -> Double { (unit() + unit() + unit() + unit() - 2) * 1.732 }
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }
}

/// One synthetic container whose counters move the way a cgroup v1 container's do at 1 s:
/// CPU at its own load with noise, memory as a page-granular random walk, block I/O and
/// network in bursts, PSI when busy, limits constant. Values at the store's units.
struct SyntheticContainer {
    enum Load: CaseIterable { case idle, light, medium, busy }
    let key: RecordedContainerKey
    let load: Load
    let capped: Bool
    var random: FastRandom
    var cpuUser: Int64 = 0, cpuSystem: Int64 = 0, periods: Int64 = 0, throttledPeriods: Int64 = 0,
        throttledTime: Int64 = 0
    var memoryUsage: Int64, inactiveFile: Int64, rss: Int64
    var blockRead: Int64 = 0, blockWritten: Int64 = 0, readOps: Int64 = 0, writeOps: Int64 = 0
    var rxBytes: Int64 = 0, txBytes: Int64 = 0, rxPackets: Int64 = 0, txPackets: Int64 = 0
    var psi: [Int64] = [0, 0, 0, 0, 0, 0]
    var pids: Int64
    var switchesVoluntary: Int64 = 0, switchesInvoluntary: Int64 = 0

    init(index: Int) {
        random = FastRandom(seed: UInt64(index) &* 0x2545_F491_4F6C_DD1D &+ 1)
        key = RecordedContainerKey(
            runtime: "docker", id: String(format: "%016llx%048llx", UInt64(index) &* 0x9E37_79B9, UInt64(index)))
        // Most containers on a host idle: 40% idle, 30% light, 20% medium, 10% busy.
        let draw = index % 10
        load = draw < 4 ? .idle : draw < 7 ? .light : draw < 9 ? .medium : .busy
        capped = index % 3 == 0
        memoryUsage = Int64(16 + index % 200) << 20
        inactiveFile = Int64(2 + index % 30) << 20
        rss = memoryUsage / 2
        pids = Int64(1 + index % 40)
    }

    private var cores: Double {
        switch load {
        case .idle: 0.001
        case .light: 0.02
        case .medium: 0.2
        case .busy: 0.8
        }
    }

    /// Advances one second and returns the sample.
    mutating func step() -> RecordedValues {
        let busy = max(0, cores * (1 + 0.3 * random.normal()))
        let usedMicroseconds = Int64(busy * 1_000_000)
        let user = Int64(Double(usedMicroseconds) * (0.7 + 0.05 * random.normal()))
        cpuUser += max(0, user)
        cpuSystem += max(0, usedMicroseconds - user)
        if capped {
            periods += 10
            if load == .busy || (load == .medium && random.chance(0.2)) {
                let throttled = Int64(random.next() % 6)
                throttledPeriods += throttled
                throttledTime += throttled * Int64(random.next() % 20_000)
            }
        }
        // Memory moves in pages; idle containers rarely.
        if load != .idle || random.chance(0.05) {
            memoryUsage = max(1 << 20, memoryUsage + Int64(random.normal() * 8) * 4096)
            inactiveFile = max(0, min(memoryUsage / 2, inactiveFile + Int64(random.normal() * 4) * 4096))
            rss = max(0, min(memoryUsage, rss + Int64(random.normal() * 6) * 4096))
        }
        let ioActive = load == .busy || (load != .idle && random.chance(0.3))
        if ioActive {
            let reads = Int64(random.next() % 40), writes = Int64(random.next() % 60)
            readOps += reads
            writeOps += writes
            blockRead += reads * 4096 * Int64(1 + random.next() % 8)
            blockWritten += writes * 4096 * Int64(1 + random.next() % 16)
        }
        if load != .idle || random.chance(0.1) {
            let inPackets = Int64(random.next() % (load == .busy ? 400 : 30)),
                outPackets = Int64(random.next() % (load == .busy ? 300 : 20))
            rxPackets += inPackets
            txPackets += outPackets
            rxBytes += inPackets * Int64(60 + random.next() % 1400)
            txBytes += outPackets * Int64(60 + random.next() % 1400)
        }
        if load == .busy || load == .medium {
            psi[0] += Int64(random.next() % 50_000)
            psi[1] += Int64(random.next() % 10_000)
            if ioActive { psi[4] += Int64(random.next() % 20_000); psi[5] += Int64(random.next() % 5_000) }
        }
        switchesVoluntary += Int64(random.next() % (load == .idle ? 3 : 300))
        switchesInvoluntary += Int64(random.next() % (load == .idle ? 2 : 40))
        if random.chance(0.002) { pids = max(1, pids + (random.chance(0.5) ? 1 : -1)) }

        var values = RecordedValues()
        values[.cpuUsageMicroseconds] = cpuUser + cpuSystem
        values[.cpuUserMicroseconds] = cpuUser
        values[.cpuSystemMicroseconds] = cpuSystem
        if capped {
            values[.cpuPeriods] = periods
            values[.cpuThrottledPeriods] = throttledPeriods
            values[.cpuThrottledMicroseconds] = throttledTime
            values[.cpuQuotaMicroseconds] = 50_000
            values[.cpuPeriodMicroseconds] = 100_000
        }
        values[.cpuShares] = 1024
        values[.memoryUsageBytes] = memoryUsage
        values[.memoryWorkingSetBytes] = memoryUsage - inactiveFile
        values[.memoryRSSBytes] = rss
        values[.memoryCacheBytes] = memoryUsage - rss
        values[.memoryLimitBytes] = 512 << 20
        values[.memoryLimitHits] = 0
        values[.memoryOOMKills] = 0
        values[.blockReadBytes] = blockRead
        values[.blockWrittenBytes] = blockWritten
        values[.blockReadOperations] = readOps
        values[.blockWriteOperations] = writeOps
        values[.networkReceivedBytes] = rxBytes
        values[.networkTransmittedBytes] = txBytes
        values[.networkReceivedPackets] = rxPackets
        values[.networkTransmittedPackets] = txPackets
        values[.networkReceiveDrops] = 0
        values[.networkTransmitDrops] = 0
        values[.networkReceiveErrors] = 0
        values[.networkTransmitErrors] = 0
        values[.pids] = pids
        values[.processes] = pids
        values[.cpuPressureSomeMicroseconds] = psi[0]
        values[.cpuPressureFullMicroseconds] = psi[1]
        values[.memoryPressureSomeMicroseconds] = psi[2]
        values[.memoryPressureFullMicroseconds] = psi[3]
        values[.ioPressureSomeMicroseconds] = psi[4]
        values[.ioPressureFullMicroseconds] = psi[5]
        values[.dStateThreadsMilli] = 0
        values[.voluntaryContextSwitches] = switchesVoluntary
        values[.involuntaryContextSwitches] = switchesInvoluntary
        return values
    }
}
