@testable import Captures
import Foundation
import Testing

@Suite struct TarArchiveTests {
    /// GNU tar reads the archive back byte for byte (and checks every header's checksum).
    @Test func gnuTarExtractsWhatWasArchived() throws {
        let root = temporaryCaptureRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = "\(root)/trace"
        try FileManager.default.createDirectory(atPath: "\(source)/formats/sched", withIntermediateDirectories: true)
        let pages = Data((0..<200_000).map { UInt8($0 % 251) })
        try pages.write(to: URL(fileURLWithPath: "\(source)/cpu0.raw"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(source)/metadata.json"))
        try Data("name: sched_switch\n".utf8).write(to: URL(fileURLWithPath: "\(source)/formats/sched/sched_switch"))
        try FileManager.default.createSymbolicLink(atPath: "\(source)/link", withDestinationPath: "/etc/passwd")
        let archive = "\(root)/trace.tar"
        let size = try TarArchive.write(directory: source, prefix: "trace-x", to: archive)
        #expect(size == UInt64(try FileManager.default.attributesOfItem(atPath: archive)[.size] as! Int))
        let out = "\(root)/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-xf", archive, "-C", out]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        #expect(FileManager.default.contents(atPath: "\(out)/trace-x/cpu0.raw") == pages)
        #expect(
            FileManager.default.contents(atPath: "\(out)/trace-x/formats/sched/sched_switch")
                == Data("name: sched_switch\n".utf8))
        #expect(FileManager.default.contents(atPath: "\(out)/trace-x/metadata.json") == Data("{}".utf8))
        // The link was neither archived nor followed.
        #expect(!FileManager.default.fileExists(atPath: "\(out)/trace-x/link"))
    }

    @Test func longNamesUseTheUstarPrefix() throws {
        let name = String(repeating: "d", count: 120) + "/" + String(repeating: "f", count: 90)
        let header = try TarArchive.header(name: name, fileSize: 1, isDirectory: false)
        #expect(String(decoding: header[0..<90], as: UTF8.self) == String(repeating: "f", count: 90))
        #expect(String(decoding: header[345..<465], as: UTF8.self) == String(repeating: "d", count: 120))
        #expect(throws: CaptureRunError.self) {
            try TarArchive.header(name: String(repeating: "x", count: 300), fileSize: 1, isDirectory: false)
        }
    }
}
