import Foundation

/// FlameGraph's own scripts, when `PERISCOPE_FLAMEGRAPH_DIR` points at a checkout and perl is
/// installed; tests compare with them live, or with committed goldens otherwise.
enum ReferenceScript {
    static let directory = ProcessInfo.processInfo.environment["PERISCOPE_FLAMEGRAPH_DIR"]
    static let perl = ["/usr/bin/perl", "/usr/local/bin/perl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static var stackcollapsePerf: String? {
        guard perl != nil, let directory else { return nil }
        let path = "\(directory)/stackcollapse-perf.pl"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static var flamegraph: String? {
        guard perl != nil, let directory else { return nil }
        let path = "\(directory)/flamegraph.pl"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static var whyMissing: String {
        if perl == nil { return "perl is not installed" }
        guard let directory else { return "PERISCOPE_FLAMEGRAPH_DIR is not set" }
        return "no stackcollapse-perf.pl in \(directory)"
    }

    /// Runs `script` with perl and returns its standard output.
    static func run(_ script: String, _ arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: perl!)
        process.arguments = [script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
