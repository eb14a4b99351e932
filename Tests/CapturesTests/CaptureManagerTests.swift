import Captures
import Foundation
import Testing

@Suite struct CaptureManagerTests {
    @Test func aCaptureRunsAndIsListedWithItsResult() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = try makeManager(root: root, bytes: 321)
        let started = try manager.start(container: "web", kind: .profile, durationSeconds: 2)
        #expect(started.state == .running)
        #expect(started.container == "web" && started.containerID == "aaaaaaaaaaaa")
        #expect(started.format == .svg)
        #expect(manager.waitUntilIdle(timeoutSeconds: 10))
        let record = try #require(manager.capture(id: started.id.text))
        #expect(record.state == .succeeded)
        #expect(record.sizeBytes == 321)
        #expect(record.finishedAt != nil)
        let file = try #require(manager.resultFile(id: started.id.text))
        #expect(file.path == "\(root)/\(started.id.text)/result.bin")
        #expect(FileManager.default.contents(atPath: file.path)?.count == 321)
    }

    @Test func aSecondExpensiveCaptureIsRefusedWithRetryAfterWhileDiagnosesStillRun() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let gate = Gate()
        let manager = try makeManager(root: root, release: gate)
        let first = try manager.start(container: "web", kind: .profile, durationSeconds: 20)
        do {
            _ = try manager.start(container: "db", kind: .trace, durationSeconds: 5)
            Issue.record("a second profile or trace started while one ran")
        } catch {
            let busy = error
            guard case .busy(let retryAfter, let runningID) = busy else {
                gate.release()
                Issue.record("\(busy)")
                return
            }
            // The rest of the 20 s plus the time to write the result.
            #expect((20...22).contains(retryAfter))
            #expect(runningID == first.id)
        }
        let diagnosis = try manager.start(container: "db", kind: .diagnosis, durationSeconds: 5)
        #expect(diagnosis.state == .running)
        gate.release()
        #expect(manager.waitUntilIdle(timeoutSeconds: 10))
        // The slot is free again.
        _ = try manager.start(container: "db", kind: .trace, durationSeconds: 1)
        #expect(manager.waitUntilIdle(timeoutSeconds: 10))
        #expect(manager.captures.map(\.state) == [.succeeded, .succeeded, .succeeded])
    }

    @Test(arguments: [0.0, -1, 31, .infinity, .nan])
    func durationsOutsideTheCapAreRefused(seconds: Double) throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = try makeManager(root: root)
        #expect(throws: CaptureManager.StartError.self) {
            try manager.start(container: "web", kind: .profile, durationSeconds: seconds)
        }
        #expect(manager.captures.isEmpty)
    }

    @Test func anUnknownContainerIsNotFoundAndTakesNoSlot() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = try makeManager(root: root)
        #expect(throws: CaptureManager.StartError.containerNotFound("no container nope")) {
            try manager.start(container: "nope", kind: .profile, durationSeconds: 1)
        }
        _ = try manager.start(container: "web", kind: .profile, durationSeconds: 1)
        #expect(manager.waitUntilIdle(timeoutSeconds: 10))
    }

    @Test func theOldestResultsAreDeletedToStayWithinTheBudget() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // 1000-byte results in a 2500-byte budget: two fit.
        let manager = try makeManager(root: root, bytes: 1000, budget: 2500)
        var ids: [String] = []
        for _ in 0..<4 {
            ids.append(try manager.start(container: "web", kind: .profile, durationSeconds: 1).id.text)
            #expect(manager.waitUntilIdle(timeoutSeconds: 10))
        }
        let evicted = ids.map { manager.capture(id: $0)!.evicted }
        #expect(evicted == [true, true, false, false])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/\(ids[0])"))
        #expect(manager.resultFile(id: ids[0]) == nil)
        #expect(manager.resultFile(id: ids[3]) != nil)
    }

    @Test func shutdownStopsTheRunningCaptureAndRefusesNewOnes() async throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = try makeManager(root: root, release: Gate())
        let started = try manager.start(container: "web", kind: .trace, durationSeconds: 30)
        await manager.shutdown()
        let record = try #require(manager.capture(id: started.id.text))
        #expect(record.state == .cancelled)
        #expect(record.error?.contains("stopping") == true)
        #expect(throws: CaptureManager.StartError.unavailable("the agent is stopping")) {
            try manager.start(container: "web", kind: .diagnosis, durationSeconds: 1)
        }
    }

    @Test func aCaptureLeftRunningByAKilledAgentIsMarkedFailedAtTheNextStart() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let gate = Gate()
        let first = try makeManager(root: root, release: gate)
        let started = try first.start(container: "web", kind: .profile, durationSeconds: 30)
        // A second manager over the same directory sees what a restarted agent would.
        let second = try makeManager(root: root)
        let record = try #require(second.capture(id: started.id.text))
        #expect(record.state == .failed)
        #expect(record.error == "the agent stopped during the capture")
        gate.release()
        #expect(first.waitUntilIdle(timeoutSeconds: 10))
    }

    @Test func theListSurvivesARestart() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try makeManager(root: root, bytes: 10)
        let started = try first.start(container: "db", kind: .diagnosis, durationSeconds: 1)
        #expect(first.waitUntilIdle(timeoutSeconds: 10))
        let second = try makeManager(root: root)
        #expect(second.captures.map(\.id) == [started.id])
        #expect(second.resultFile(id: started.id.text) != nil)
    }
}
