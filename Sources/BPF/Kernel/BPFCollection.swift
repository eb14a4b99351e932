import Foundation
import CLinuxSupport
#if canImport(Glibc)
import Glibc
#endif

/// An object's maps and programs, loaded and attached: the one owner of their descriptors.
///
/// `close()` (also run by `deinit`) detaches every program, then closes programs and maps, in
/// that order. Because the kernel releases a process's BPF programs, maps and perf events
/// when their last descriptor closes, nothing stays attached after the process ends, even
/// when it is killed with SIGKILL: there are no pinned objects and no BPF links in bpffs.
package final class BPFCollection {
    package let object: BPFObjectFile
    /// Maps by their C name.
    package private(set) var maps: [String: BPFMap] = [:]
    /// Programs by their C function name.
    package private(set) var programs: [String: BPFProgram] = [:]
    package private(set) var links: [TracepointLink] = []
    let tracefs: String

    /// Creates every map and loads every program of `object` (tracepoint programs only).
    /// On any failure what was created so far is closed before the error is thrown.
    package init(_ object: BPFObjectFile, tracefs: String = "/sys/kernel/tracing") throws(BPFError) {
        self.object = object
        self.tracefs = tracefs
        do throws(BPFError) {
            for spec in object.maps { maps[spec.name] = try BPFMap(spec) }
            for spec in object.programs {
                guard spec.tracepoint != nil else {
                    throw BPFError.object(
                        .corrupt(
                            "program \(spec.name) in section \(spec.sectionName): only tracepoint/<subsystem>/<event> programs are loaded"
                        ))
                }
                programs[spec.name] = try BPFProgram(
                    spec, type: periscope_bpf_prog_type_tracepoint, license: object.license, maps: maps)
            }
        } catch {
            close()
            throw error
        }
    }

    /// Parses `contents` then loads it.
    package convenience init(contents: [UInt8], tracefs: String = "/sys/kernel/tracing") throws(BPFError) {
        let object: BPFObjectFile
        do { object = try BPFObjectFile(contents: contents) } catch { throw .object(error) }
        try self.init(object, tracefs: tracefs)
    }

    /// Decodes an object committed as base64 by scripts/generate-bpf.sh (`name`, e.g.
    /// `RunqlatObject`, names it in the error), then parses and loads it.
    convenience init(
        embeddedBase64 base64: String, name: String, tracefs: String = "/sys/kernel/tracing"
    ) throws(BPFError) {
        guard let object = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            throw .object(.corrupt("\(name).base64 is not base64: regenerate with scripts/generate-bpf.sh"))
        }
        try self.init(contents: [UInt8](object), tracefs: tracefs)
    }

    deinit { close() }

    /// Attaches every program (or those whose C name is in `names`) to the tracepoint its
    /// section names; on failure, detaches the ones already attached.
    package func attachAll(only names: Set<String>? = nil) throws(BPFError) {
        do throws(BPFError) {
            for program in programs.values.sorted(by: { $0.spec.name < $1.spec.name })
            where names?.contains(program.spec.name) ?? true {
                guard let tracepoint = program.spec.tracepoint else { continue }
                links.append(
                    try TracepointLink(
                        program: program, subsystem: tracepoint.subsystem, event: tracepoint.event, tracefs: tracefs))
            }
        } catch {
            detachAll()
            throw error
        }
    }

    /// Detaches every program (closes the perf events); maps and programs stay readable.
    package func detachAll() {
        for link in links { link.close() }
        links.removeAll()
    }

    /// Detaches, then closes every program and map (idempotent).
    package func close() {
        detachAll()
        for program in programs.values { program.close() }
        for map in maps.values { map.close() }
    }

    /// The map named `name` in the C source.
    package func map(_ name: String) throws(BPFError) -> BPFMap {
        guard let map = maps[name] else { throw .unknownMap(program: "(user space)", map: name) }
        return map
    }
}
