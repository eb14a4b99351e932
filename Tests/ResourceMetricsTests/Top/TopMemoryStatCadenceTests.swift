import ContainerInventory
import Foundation
import LinuxHost
import Testing
@testable import ResourceMetrics

/// `top --memory-stat-every N`: a container's memory.stat is read at its first sample and then
/// every N; in between MEM is the current usage minus the last inactive-file figure.
@Suite("top's memory.stat cadence")
struct TopMemoryStatCadenceTests {
    /// The v1 fixture container as the inventory would list it, and a sampler over the copy.
    static func sampler(_ copy: TopCompactCountersTests.FixtureCopy) throws -> (TopContainerSampler, Container) {
        let layout = try CgroupLayout.read(mountInfoPath: copy.root + "/proc/self/mountinfo", rootPrefix: copy.root)
        let namespaces = try JSONSerialization.jsonObject(with: JSONEncoder().encode(NamespaceSet()))
        let object: [String: Any] = [
            "runtime": "docker", "id": TopCompactCountersTests.v1ContainerID, "namespaces": namespaces,
            "namespacesSharedWithHost": [String](), "processCount": 1, "metadataSource": "state-files"
        ]
        var container = try JSONDecoder().decode(Container.self, from: JSONSerialization.data(withJSONObject: object))
        container.cgroups = try Procfs(root: copy.root + "/proc").cgroups(TaskID(pid: 14609))
        return (TopContainerSampler(layout: layout, procRoot: copy.root + "/proc"), container)
    }

    /// Working sets of `samples` samples; before the second, inactive file grows to 8 KiB.
    static func workingSets(every: Int, samples: Int) throws -> [UInt64?] {
        let copy = try TopCompactCountersTests.FixtureCopy("cgroup-v1-docker")
        let (sampler, container) = try sampler(copy)
        sampler.memoryStatEverySamples = every
        var sets: [UInt64?] = []
        for index in 0..<samples {
            if index == 1 {
                let path = "sys/fs/cgroup/memory/docker/\(TopCompactCountersTests.v1ContainerID)/memory.stat"
                let stat = try String(contentsOfFile: "\(copy.root)/\(path)", encoding: .utf8)
                try copy.write(
                    path, stat.replacingOccurrences(of: "total_inactive_file 0", with: "total_inactive_file 8192"))
            }
            sets.append(try #require(try sampler.sample(container)).counters.memoryWorkingSetBytes)
        }
        return sets
    }

    @Test func everySampleByDefault() throws {
        #expect(try Self.workingSets(every: 1, samples: 3) == [331_776, 331_776 - 8192, 331_776 - 8192])
    }

    @Test func everyThirdSampleKeepsTheLastInactiveFileFigureInBetween() throws {
        #expect(
            try Self.workingSets(every: 3, samples: 5) == [331_776, 331_776, 331_776, 331_776 - 8192, 331_776 - 8192])
    }
}
