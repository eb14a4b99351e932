import Testing
@testable import ContainerInventory

/// The Docker event stream's duplicate filter: out-of-order events are kept, replays dropped.
@Suite("Docker event replay filter")
struct DockerEventReplayFilterTests {
    static let second: Int64 = 1_796_322_591
    static func event(_ action: String, _ id: String, at nanoseconds: Int64) -> DockerContainerEvent {
        DockerContainerEvent(action: action, containerID: id, unixNanoseconds: second * 1_000_000_000 + nanoseconds)
    }

    /// Offers each event in turn; which ones the filter let through.
    static func offer(_ events: [DockerContainerEvent], to filter: inout DockerEventReplayFilter) -> [Bool] {
        events.map { filter.isNew($0) }
    }

    /// As seen in a 2,000-container churn: a `create` stamped 37 µs before the one delivered just
    /// before it. The filter that kept only events newer than the last lost such events, and with
    /// them 1.5 % of the containers' creates, starts or stops.
    @Test func keepsAnEventStampedBeforeTheLastOne() {
        var filter = DockerEventReplayFilter(startSecond: Self.second)
        let events = [
            Self.event("create", "b", at: 753_937_868), Self.event("create", "a", at: 753_900_608),
            Self.event("die", "a", at: 753_937_868)
        ]
        #expect(Self.offer(events, to: &filter) == [true, true, true])
    }

    @Test func dropsWhatAReconnectionReplays() {
        var filter = DockerEventReplayFilter(startSecond: Self.second)
        let delivered = [
            Self.event("create", "a", at: 100), Self.event("start", "a", at: 900_000_000),
            Self.event("die", "a", at: 1_200_000_000)
        ]
        #expect(Self.offer(delivered, to: &filter) == [true, true, true])
        #expect(filter.newestSecond == Self.second + 1)
        #expect(filter.resumeSecond == Self.second, "asks again from the second before the newest")
        // The daemon replays from `resumeSecond`: what was delivered is dropped, a straggler is not.
        let replayed = delivered + [Self.event("destroy", "a", at: 1_100_000_000)]
        #expect(Self.offer(replayed, to: &filter) == [false, false, false, true])
    }

    /// Memory stays bounded: events older than the replay window are forgotten.
    @Test func forgetsEventsOlderThanTheReplayWindow() {
        var filter = DockerEventReplayFilter(startSecond: Self.second)
        let old = Self.event("create", "a", at: 0)
        // Five seconds on, a replay would not reach back to the old one: it is no longer remembered.
        #expect(Self.offer([old, Self.event("start", "b", at: 5_000_000_000), old], to: &filter) == [true, true, true])
    }
}
