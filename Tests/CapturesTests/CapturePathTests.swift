import Captures
import Foundation
import Testing

/// Path parameters come from requests: none may name a file outside the capture directory.
@Suite struct CapturePathTests {
    static let hostile = [
        "../../../../etc/passwd", "..", ".", "", "/etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%2f..%2fetc%2fpasswd",
        "0123456789abcde/", "0123456789abcdef/../../x", "0123456789ABCDEF", "0123456789abcde\u{0}", "captures.json",
        "0123456789abcdef0", "0123456789abcde", "０１２３４５６７８９ａｂｃｄｅｆ", "\\..\\..\\etc"
    ]

    @Test(arguments: hostile)
    func aStringThatIsNotAGeneratedIDIsRefused(text: String) {
        #expect(CaptureID(text) == nil)
    }

    @Test func generatedIDsAreValidAndDistinct() {
        let ids = (0..<1000).map { _ in CaptureID.generate() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { CaptureID($0.text) == $0 })
    }

    @Test func noHostileIDReachesAFileEvenWhenTheFileExists() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = try makeManager(root: root)
        let started = try manager.start(container: "web", kind: .profile, durationSeconds: 1)
        #expect(manager.waitUntilIdle(timeoutSeconds: 10))
        // A file the traversal strings would reach if they were joined to the root.
        try Data("secret".utf8).write(to: URL(fileURLWithPath: "\(root)/secret"))
        for text in Self.hostile + ["secret", "\(started.id.text)/../secret", "\(started.id.text)/result.bin"] {
            #expect(manager.resultFile(id: text) == nil, "\(text)")
            #expect(manager.capture(id: text) == nil, "\(text)")
        }
        let file = try #require(manager.resultFile(id: started.id.text))
        #expect(URL(fileURLWithPath: file.path).standardizedFileURL.path.hasPrefix(root + "/"))
    }

    @Test func anIndexWithATamperedIDIsRefused() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let tampered =
            #"[{"id":"../../etc","container":"web","containerID":"a","kind":"profile","trigger":{"source":"api"},"durationSeconds":1,"startedAt":0,"state":"succeeded","fileName":"passwd","sizeBytes":1,"evicted":false}]"#
        try Data(tampered.utf8).write(to: URL(fileURLWithPath: "\(root)/captures.json"))
        #expect(throws: CaptureDirectoryError.self) { try makeManager(root: root) }
    }
}
