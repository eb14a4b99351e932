import ResourceMetrics

/// The column the container table is sorted by, biggest first.
package enum TopSortKey: String, Sendable, CaseIterable, Codable {
    case cpu, memory, throttled, io, net, pids

    /// The key that selects it in the live view.
    package var keyCharacter: Character {
        switch self {
        case .cpu: "c"
        case .memory: "m"
        case .throttled: "t"
        case .io: "i"
        case .net: "n"
        case .pids: "p"
        }
    }

    /// The value a row is ranked by; unknown ranks below zero.
    package func rank(_ row: TopRow) -> Double {
        let value: Double? =
            switch self {
            case .cpu: row.cpuCores
            case .memory: row.memoryWorkingSetBytes.map { Double($0) }
            case .throttled: row.throttledPercentOfPeriods
            case .io: row.blockBytesPerSecond
            case .net: row.networkBytesPerSecond
            case .pids: row.pids.map { Double($0) }
            }
        return value ?? -1
    }

    /// The next column to the right (`>`), wrapping around.
    package var next: TopSortKey {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The next column to the left (`<`), wrapping around.
    package var previous: TopSortKey {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + all.count - 1) % all.count]
    }
}
