import Foundation
import Testing
@testable import ResourceMetrics

/// A window saved by an earlier version lacks the series added since (D-state averages, RT
/// budget and threads): it must still load, with those series empty.
@Suite struct SavedWindowCompatibilityTests {
    @Test func containerWithoutLaterSeriesDecodes() throws {
        let saved = ObservedContainer(
            key: "docker:abc", displayName: "web", averageDStateThreads: [1.5], realtimeThreads: [[]])
        var object = try #require(JSONSerialization.jsonObject(with: try JSONEncoder().encode(saved)) as? [String: Any])
        for later in ["averageDStateThreads", "realtimeBudget", "realtimeThreads"] { object.removeValue(forKey: later) }
        let decoded = try JSONDecoder().decode(
            ObservedContainer.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(decoded.displayName == "web" && decoded.key == "docker:abc")
        #expect(
            decoded.averageDStateThreads.isEmpty && decoded.realtimeThreads.isEmpty && decoded.realtimeBudget == nil)
    }

    @Test func missingRequiredFieldIsStillAnError() throws {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ObservedContainer.self, from: Data(#"{"key":"docker:abc"}"#.utf8))
        }
    }
}
