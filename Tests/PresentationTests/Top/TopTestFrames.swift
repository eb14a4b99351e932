@testable import ResourceMetrics

/// Hand-built frames for the renderer and view-state tests: a host and three containers
/// whose numbers make every sort order different.
enum TopTestFrames {
    static func row(
        _ name: String, cpu: Double?, memory: UInt64?, throttled: Double? = nil, io: Double? = nil,
        net: Double? = nil, pids: UInt64? = nil
    ) -> TopRow {
        var row = TopRow(id: "docker:\(name)-id", name: name, runtime: "docker")
        row.cpuCores = cpu
        row.memoryWorkingSetBytes = memory
        row.throttledPercentOfPeriods = throttled
        row.blockReadBytesPerSecond = io
        row.blockWrittenBytesPerSecond = io.map { _ in 0 }
        row.networkReceivedBytesPerSecond = net
        row.networkTransmittedBytesPerSecond = net.map { _ in 0 }
        row.pids = pids
        return row
    }

    static var host: TopRow {
        var host = TopRow(id: "host:host", name: "host (all)", runtime: "host", isHost: true)
        host.cpuCores = 1.5
        host.memoryWorkingSetBytes = 3 << 30
        host.memoryLimitBytes = 8 << 30
        host.pids = 300
        return host
    }

    static var summary: TopHostSummary {
        var cpu = CPUUtilization()
        cpu.userPercent = 60
        cpu.systemPercent = 15
        cpu.idlePercent = 25
        return TopHostSummary(
            loadAverages: [1.5, 1.25, 0.75], runnableTasks: 3, totalTasks: 300, cpuCount: 2, cpu: cpu,
            memoryUsedBytes: 3 << 30, memoryTotalBytes: 8 << 30, memoryAvailableBytes: 5 << 30,
            swapUsedBytes: 0, swapTotalBytes: 0, diskReadBytesPerSecond: 1024,
            diskWrittenBytesPerSecond: 2 * 1024 * 1024,
            networkReceivedBytesPerSecond: 512, networkTransmittedBytesPerSecond: 0)
    }

    static var frame: TopFrame {
        var busy = row("busy", cpu: 0.5, memory: 10 << 20, throttled: 95, io: 0, net: 100, pids: 2)
        busy.cpuPercentOfCap = 100
        busy.memoryLimitBytes = 512 << 20
        let database = row(
            "database", cpu: 0.1, memory: 900 << 20, throttled: nil, io: 5 * 1024 * 1024, net: 10, pids: 40)
        var web = row("web-frontend", cpu: 0.2, memory: 50 << 20, io: 1024, net: 1024 * 1024, pids: 7)
        web.sharesHostNetwork = false
        return TopFrame(
            intervalSeconds: 2, hostname: "testhost", host: summary, rows: [host, busy, database, web],
            processes: [
                TopProcessRow(
                    rowID: "docker:busy-id", hostPID: 4100, containerPID: 1, state: "S", cpuPercent: 0, command: "sh"),
                TopProcessRow(
                    rowID: "docker:busy-id", hostPID: 4123, containerPID: 7, state: "R", cpuPercent: 49.5,
                    command: "busyloop"),
                TopProcessRow(
                    rowID: "docker:busy-id", hostPID: 4200, containerPID: nil, state: "D", cpuPercent: nil,
                    command: "dd"),
                TopProcessRow(
                    rowID: "docker:database-id", hostPID: 5000, containerPID: 1, state: "S", cpuPercent: 3,
                    command: "postgres")
            ])
    }
}
