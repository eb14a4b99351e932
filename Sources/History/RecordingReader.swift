import ContainerInventory
import Recording

/// A recording opened for reading, with the errors a user can act on: no such file, no data in
/// the asked range (saying what range the file holds), a container it never saw.
package struct RecordingReader: Sendable {
    package let store: RecordingStore
    package let path: String

    /// Opens `path` read-only; never creates or changes it.
    package init(path: String) throws {
        self.path = path
        do {
            store = try RecordingStore(path: path, mode: .readOnly)
        } catch {
            throw HistoryError(error.description)
        }
    }

    /// Reads through `store`, open already (the agent reads the store its recorder writes).
    package init(store: RecordingStore) {
        self.store = store
        path = store.path
    }

    /// Milliseconds since 1970 of a Unix time in seconds.
    package static func milliseconds(_ unixSeconds: Double) -> Int64 { Int64((unixSeconds * 1000).rounded()) }

    /// Throws when no sample lies in `start...end`, saying what the recording holds.
    package func requireSamples(from start: Double, to end: Double) throws {
        let held: ClosedRange<Int64>?
        do {
            held = try store.sampleTimeRange()
        } catch {
            throw HistoryError(error.description)
        }
        guard let held else { throw HistoryError("the recording \(path) holds no samples yet") }
        let from = Self.milliseconds(start), to = Self.milliseconds(end)
        if held.upperBound < from || held.lowerBound > to {
            throw HistoryError(
                "no data in \(path) between \(RecordedTime.text(start)) and \(RecordedTime.text(end)): it holds \(RecordedTime.text(Double(held.lowerBound) / 1000)) to \(RecordedTime.text(Double(held.upperBound) / 1000))"
            )
        }
    }

    /// Containers (and the host) seen in the range, oldest first.
    package func containers(from start: Double, to end: Double) throws -> [RecordedContainer] {
        do {
            return try store.containers(from: Self.milliseconds(start), to: Self.milliseconds(end))
        } catch {
            throw HistoryError(error.description)
        }
    }

    /// The containers `queries` name among those seen in the range, by the one matching rule
    /// of running containers (name, id, unique id prefix, `host`); a name a container had
    /// before a rename still finds it.
    package func resolve(_ queries: [String], among seen: [RecordedContainer]) throws -> [RecordedContainer] {
        let matcher = ContainerMatcher(recorded: seen.map(Self.candidate), source: "the recording \(path)")
        var chosen: [RecordedContainer] = []
        for query in queries {
            let found: RecordedContainer
            switch matcher.match(query) {
            case .success(let index): found = seen[index]
            case .failure(let error):
                let renamed = seen.filter { $0.names.dropLast().contains(query) }
                guard renamed.count == 1 else { throw HistoryError(error.description) }
                found = renamed[0]
            }
            if !chosen.contains(where: { $0.key == found.key }) { chosen.append(found) }
        }
        return chosen
    }

    package static func candidate(_ container: RecordedContainer) -> ContainerCandidate {
        ContainerCandidate(
            runtime: container.key.runtime, id: container.key.id, name: container.key.isHost ? nil : container.name,
            isHost: container.key.isHost)
    }

    /// Reads through the store, turning its errors into messages.
    package func read<Value>(_ body: (RecordingStore) throws(RecordingError) -> Value) throws -> Value {
        do {
            return try body(store)
        } catch {
            throw HistoryError(error.description)
        }
    }
}
