import ContainerInventory
import Foundation
import Testing
@testable import KernelTrace

/// metadata.json and statedump.json carry typed container keys; traces recorded before the
/// metadata kept keys (its `containerFilter` held names only) still read.
@Suite struct TraceContainerKeyTests {
    /// `trace record --container periscope-it-14f-web -e sched -d 1`, recorded by a release build
    /// of main from before metadata.json kept keys (Tests/Fixtures/README.md).
    static let namesOnlyTrace = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/traces/container-filter-by-name").path
    static let recordedKey: ContainerKey =
        "docker:73144b2125a922bcd033d076456d952616a2c729f3807aa346f9a17d84a21657"

    @Test func aTraceWhoseFilterListsNamesOnlyStillReads() throws {
        let reader = try PeriscopeTraceReader(directory: Self.namesOnlyTrace)
        #expect(reader.metadata.containerFilter == [FilteredContainer(key: nil, name: "periscope-it-14f-web")])
        #expect(reader.recordedStatedump.containers.map(\.key) == [Self.recordedKey])
        let containerThreads = reader.recordedStatedump.threads.filter { $0.container == Self.recordedKey }
        #expect(!containerThreads.isEmpty)
        #expect(reader.recordedStatedump.threads.allSatisfy { $0.container == nil || $0.container == Self.recordedKey })
    }

    @Test func theFilterIsWrittenWithItsKeyAndReadBack() throws {
        var metadata = try PeriscopeTraceReader(directory: Self.namesOnlyTrace).metadata
        metadata.containerFilter = [FilteredContainer(key: Self.recordedKey, name: "periscope-it-14f-web")]
        let data = try JSONEncoder().encode(metadata)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let filter = try #require(object["containerFilter"] as? [[String: String]])
        #expect(filter == [["key": Self.recordedKey.description, "name": "periscope-it-14f-web"]])
        #expect(try JSONDecoder().decode(TraceMetadata.self, from: data).containerFilter == metadata.containerFilter)
    }

    @Test func aStatedumpKeyThatIsNoContainerKeyIsRefused() throws {
        let json = #"{"key": "docker", "runtime": "docker", "id": "abc", "namespaces": {}, "firstSeenNs": 0}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RecordedContainer.self, from: Data(json.utf8))
        }
    }
}
