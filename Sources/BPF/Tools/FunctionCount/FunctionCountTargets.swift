#if canImport(Glibc)
import Glibc
#endif
import LinuxHost
import Profiling

/// A pattern resolved to the probes to attach: tracepoints, or functions of one opened binary.
package struct FunctionCountTargets {
    /// One probe: what it is called in the output and where it attaches.
    package struct Target: Sendable, Equatable {
        package enum Place: Sendable, Equatable {
            case tracepoint(subsystem: String, event: String)
            /// A uprobe at this file offset of `FunctionCountTargets.binary`.
            case userFunction(fileOffset: UInt64)
        }

        /// `subsystem:event` for a tracepoint, the symbol name for a function.
        package var name: String
        package var place: Place
    }

    package var pattern: FunctionCountPattern
    /// In probe order: a probe's index is its cookie in the BPF program.
    package var targets: [Target]
    /// The binary the functions are in (kept open until the probes are attached).
    package var binary: UprobeBinary?

    package init(pattern: FunctionCountPattern, targets: [Target], binary: UprobeBinary?) {
        self.pattern = pattern
        self.targets = targets
        self.binary = binary
    }

    /// Resolves `pattern`: tracepoints from tracefs' event directories, functions from the
    /// binary's symbol table (resolved in the root of `rootProcess`, nil: the host's). Refuses
    /// more than `maximumProbes` matches, and a pattern that matches nothing.
    package static func resolve(
        _ pattern: FunctionCountPattern, rootProcess: Int32?, place: String, maximumProbes: Int,
        tracefs: String = "/sys/kernel/tracing", procRoot: String = "/proc"
    ) throws(FunctionCountError) -> FunctionCountTargets {
        var targets: [Target] = []
        var binary: UprobeBinary?
        switch pattern {
        case .tracepoint(let subsystemPattern, let eventPattern):
            let events = "\(tracefs)/events"
            guard let subsystems = directoryNames(events) else {
                throw .nothingMatches(
                    pattern: pattern.description, searched: "\(events) (is tracefs mounted at \(tracefs)?)")
            }
            for subsystem in subsystems where subsystemPattern.matches(subsystem) {
                for event in directoryNames("\(events)/\(subsystem)") ?? []
                where eventPattern.matches(event) && access("\(events)/\(subsystem)/\(event)/id", R_OK) == 0 {
                    targets.append(
                        Target(name: "\(subsystem):\(event)", place: .tracepoint(subsystem: subsystem, event: event)))
                }
            }
            if targets.isEmpty {
                // bcc reads `c:malloc` as libc's malloc: with no such tracepoint subsystem, so does this.
                if !subsystemPattern.hasWildcard, FunctionCountPattern.isLibraryName(subsystemPattern.text),
                    subsystems.allSatisfy({ $0 != subsystemPattern.text }),
                    let library = try? libraryPath(
                        subsystemPattern.text, rootProcess: rootProcess, place: place, procRoot: procRoot)
                {
                    // Found (searched once: the library's path is passed on): its errors, no such
                    // function or too many, are the ones to report.
                    return try resolve(
                        .userFunction(binary: library, function: eventPattern), rootProcess: rootProcess,
                        place: place, maximumProbes: maximumProbes, tracefs: tracefs, procRoot: procRoot)
                }
                throw .nothingMatches(pattern: pattern.description, searched: "\(events)")
            }
        case .userFunction(let name, let functionPattern):
            let path = try libraryPath(name, rootProcess: rootProcess, place: place, procRoot: procRoot)
            let opened = try UprobeBinary(path: path, rootOfProcess: rootProcess, place: place, procRoot: procRoot)
            targets = opened.functions(matching: functionPattern).map {
                Target(name: $0.name, place: .userFunction(fileOffset: $0.fileOffset))
            }
            if targets.isEmpty {
                throw .nothingMatches(
                    pattern: pattern.description,
                    searched: "the function symbols of \(path) in \(place) (\(opened.functions.count) functions)")
            }
            binary = opened
        }
        guard targets.count <= maximumProbes else {
            throw .tooManyProbes(pattern: pattern.description, matched: targets.count, maximum: maximumProbes)
        }
        return FunctionCountTargets(pattern: pattern, targets: targets, binary: binary)
    }

    /// `name` itself when it is a path; else the library of that short name in the root of
    /// `rootProcess` (nil: the host's).
    static func libraryPath(
        _ name: String, rootProcess: Int32?, place: String, procRoot: String
    ) throws(FunctionCountError) -> String {
        guard !name.hasPrefix("/") else { return name }
        let rootPath = rootProcess.map { "\(procRoot)/\($0)/root" } ?? "/"
        guard let root = FilesystemRoot(path: rootPath),
            let path = SharedLibraryLocator.find(name, in: root)
        else {
            throw .binaryUnreadable(
                path: "library \"\(name)\"", place: place,
                reason:
                    "no lib\(name).so.* in \(SharedLibraryLocator.directories().joined(separator: ", ")); give the library's absolute path instead"
            )
        }
        return path
    }

    /// The subdirectories of `path`, sorted; nil when it cannot be read.
    static func directoryNames(_ path: String) -> [String]? {
        DirectoryEntries.names(in: path, .directories)?.sorted()
    }
}
