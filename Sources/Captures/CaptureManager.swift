import Dispatch
import Foundation
import Profiling
import Synchronization

/// Runs on-demand captures of containers, one expensive capture (profile or trace) at a time
/// and a few diagnosis windows, each on a thread of its own, and keeps their list and files in
/// a `CaptureDirectory`.
///
/// `shutdown()` asks every running capture to stop and waits for it: each runner then releases
/// its perf events or tracefs instance and the record says `cancelled`. A capture still marked
/// running when the agent starts again (it was killed) is marked failed, and the trace runner
/// removes the stale tracefs instances of killed runs before its own starts.
package final class CaptureManager: Sendable {
    package struct Configuration: Sendable {
        /// Where captures are stored.
        package var root: String
        /// Bytes of results kept; the oldest are deleted first.
        package var budgetBytes: UInt64 = 512 << 20
        /// The longest capture a request may ask for.
        package var maximumDurationSeconds: Double = 60
        /// The duration of a request that does not say.
        package var defaultDurationSeconds: Double = 10
        /// Diagnosis windows that may run at once (each reads /proc and cgroup files).
        package var maximumConcurrentDiagnoses = 4

        package init(root: String) { self.root = root }
    }

    /// Why a capture did not start.
    package enum StartError: Error, CustomStringConvertible, Equatable {
        /// Another capture holds the slot: try again after this many seconds (HTTP 429).
        case busy(retryAfterSeconds: Int, runningID: CaptureID)
        /// The request is wrong (HTTP 400).
        case invalid(String)
        /// No such container (HTTP 404).
        case containerNotFound(String)
        /// The agent cannot take this kind of capture, or is stopping (HTTP 503).
        case unavailable(String)

        package var description: String {
            switch self {
            case .busy(let seconds, let id):
                return "capture \(id) is running; one capture at a time: retry in \(seconds) s"
            case .invalid(let text), .containerNotFound(let text), .unavailable(let text): return text
            }
        }
    }

    package let configuration: Configuration
    private let runners: [CaptureKind: any CaptureRunner]
    private let resolver: ContainerResolver
    private let state: Mutex<State>
    private let running = DispatchGroup()

    private struct Slot {
        var id: CaptureID
        var expectedEnd: Double
        var stop: StopFlag
    }

    private struct State: ~Copyable {
        var directory: CaptureDirectory
        var expensive: Slot?
        var diagnoses: [Slot] = []
        var isStopping = false
    }

    /// Opens the capture directory. `runners` says which kinds this agent can take.
    package init(
        configuration: Configuration, runners: [CaptureKind: any CaptureRunner], resolver: ContainerResolver
    ) throws {
        self.configuration = configuration
        self.runners = runners
        self.resolver = resolver
        let directory = try CaptureDirectory(root: configuration.root, budgetBytes: configuration.budgetBytes)
        state = Mutex(State(directory: directory))
    }

    /// The standard runners: profile, trace and diagnosis, as the CLI takes them.
    package static func liveRunners() -> [CaptureKind: any CaptureRunner] {
        [.profile: ProfileCaptureRunner(), .trace: TraceCaptureRunner(), .diagnosis: DiagnosisCaptureRunner()]
    }

    /// Every capture, newest first.
    package var captures: [CaptureRecord] { state.withLock { $0.directory.records.reversed() } }

    /// Bytes of results on disk.
    package var storedBytes: UInt64 { state.withLock { $0.directory.storedBytes } }

    /// The capture with this id; nil for an id that is not one (never a path).
    package func capture(id text: String) -> CaptureRecord? {
        guard let id = CaptureID(text) else { return nil }
        return state.withLock { $0.directory.record(id) }
    }

    /// The result file of a finished capture: its path inside the capture directory and its
    /// record; nil for anything else (a malformed id, unknown, running, evicted).
    package func resultFile(id text: String) -> (path: String, record: CaptureRecord)? {
        guard let id = CaptureID(text) else { return nil }
        return state.withLock { state in
            guard let path = state.directory.resultPath(of: id), let record = state.directory.record(id) else {
                return nil
            }
            return (path, record)
        }
    }

    /// The duration a request gets: the default when it gives none; refused beyond the cap.
    package func checkedDuration(_ seconds: Double?) throws(StartError) -> Double {
        guard let seconds else { return configuration.defaultDurationSeconds }
        guard seconds.isFinite, seconds > 0 else {
            throw .invalid("the duration must be a positive number of seconds, not \(seconds)")
        }
        guard seconds <= configuration.maximumDurationSeconds else {
            throw .invalid(
                "captures last at most \(String(format: "%g", configuration.maximumDurationSeconds)) s (asked \(String(format: "%g", seconds)) s)"
            )
        }
        return seconds
    }

    /// The container a query names, from a fresh inventory.
    package func resolve(_ query: String) throws(StartError) -> ResolvedContainer {
        do { return try resolver.resolve(query) } catch let error as ContainerNotFound {
            throw .containerNotFound(error.description)
        } catch {
            throw .unavailable("\(error)")
        }
    }

    /// Starts a capture of the container `query` names and returns its record (running).
    package func start(
        container query: String, kind: CaptureKind, durationSeconds: Double? = nil, format: ProfileOutputFormat? = nil,
        trigger: CaptureTrigger = .api
    ) throws(StartError) -> CaptureRecord {
        let seconds = try checkedDuration(durationSeconds)
        guard let runner = runners[kind] else {
            throw .unavailable("this agent does not take \(kind.rawValue) captures")
        }
        if kind == .profile, format == nil {
            return try start(container: query, kind: kind, durationSeconds: seconds, format: .svg, trigger: trigger)
        }
        if kind != .profile, format != nil { throw .invalid("only profiles take a format") }
        // Resolving scans the inventory: done before taking the lock.
        let container = try resolve(query)
        let now = Date().timeIntervalSince1970
        let record = CaptureRecord(
            id: CaptureID.generate(), container: container.displayName, containerID: container.id, kind: kind,
            format: format, trigger: trigger,
            durationSeconds: seconds, startedAt: now, state: .running)
        let slot = Slot(id: record.id, expectedEnd: now + seconds, stop: StopFlag())
        try state.withLock { (state: inout State) throws(StartError) in
            if state.isStopping { throw .unavailable("the agent is stopping") }
            if kind.isExpensive {
                if let busy = state.expensive {
                    throw .busy(retryAfterSeconds: Self.retryAfter(busy, now: now), runningID: busy.id)
                }
            } else if state.diagnoses.count >= configuration.maximumConcurrentDiagnoses {
                let soonest = state.diagnoses.min { $0.expectedEnd < $1.expectedEnd }!
                throw .busy(retryAfterSeconds: Self.retryAfter(soonest, now: now), runningID: soonest.id)
            }
            do { try state.directory.add(record, createDirectory: true) } catch { throw .unavailable("\(error)") }
            if kind.isExpensive { state.expensive = slot } else { state.diagnoses.append(slot) }
        }
        let job = CaptureJob(
            id: record.id, container: container, kind: kind, format: format, durationSeconds: seconds,
            directory: state.withLock { $0.directory.directory(of: record.id) })
        running.enter()
        let thread = Thread { [self] in
            let outcome = Result { try runner.run(job, shouldStop: { slot.stop.isSet }) }
            finish(record, slot: slot, outcome: outcome)
            running.leave()
        }
        thread.name = "periscope-capture-\(kind.rawValue)"
        thread.start()
        return record
    }

    /// Lists a capture that was not taken (an alert's, while another ran or rate-limited).
    @discardableResult
    package func recordSkipped(
        container: String, containerID: String, kind: CaptureKind, trigger: CaptureTrigger, reason: String
    ) -> CaptureRecord {
        let now = Date().timeIntervalSince1970
        var record = CaptureRecord(
            id: CaptureID.generate(), container: container, containerID: containerID, kind: kind, format: nil,
            trigger: trigger,
            durationSeconds: 0, startedAt: now, finishedAt: now, state: .skipped)
        record.error = reason
        state.withLock { state in try? state.directory.add(record, createDirectory: false) }
        return record
    }

    /// Waits until no capture runs, at most `timeoutSeconds`; true when none runs.
    package func waitUntilIdle(timeoutSeconds: Double) -> Bool {
        running.wait(timeout: .now() + timeoutSeconds) == .success
    }

    /// Refuses new captures, stops the running ones and waits until each has released its
    /// kernel resources and written its record.
    package func shutdown() async {
        let slots = state.withLock { state in
            state.isStopping = true
            return (state.expensive.map { [$0] } ?? []) + state.diagnoses
        }
        for slot in slots { slot.stop.set() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            running.notify(queue: .global()) { continuation.resume() }
        }
    }

    private func finish(_ started: CaptureRecord, slot: Slot, outcome: Result<CaptureOutput, any Error>) {
        var record = started
        record.finishedAt = Date().timeIntervalSince1970
        switch outcome {
        case .success(let output):
            record.state = slot.stop.isSet ? .cancelled : .succeeded
            record.fileName = output.fileName
            record.contentType = output.contentType
            record.summary = output.summary
            record.error =
                slot.stop.isSet
                ? "stopped early: the agent is stopping" + (output.warning.map { "; \($0)" } ?? "") : output.warning
        case .failure(let error):
            record.state = .failed
            record.error = "\(error)"
        }
        state.withLock { state in
            if let fileName = record.fileName {
                var status = stat()
                if lstat("\(state.directory.directory(of: record.id))/\(fileName)", &status) == 0 {
                    record.sizeBytes = UInt64(status.st_size)
                } else {
                    record.fileName = nil
                }
            }
            try? state.directory.update(record)
            if state.expensive?.id == record.id { state.expensive = nil }
            state.diagnoses.removeAll { $0.id == record.id }
        }
    }

    /// Seconds until a slot should be free: the rest of its duration plus time to write the
    /// result, at least 1.
    private static func retryAfter(_ slot: Slot, now: Double) -> Int {
        max(1, Int((slot.expectedEnd - now).rounded(.up)) + 2)
    }
}

/// A flag a capture's loop polls to stop early.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
