/// Where each part of a Periscope trace directory lives. The directory is self-contained:
/// raw pages, the event formats they were written with, the statedump and the metadata,
/// so it can be decoded on another machine.
///
///     TRACE_DIR/metadata.json              host, kernel, CPUs, clock, events, times, losses
///     TRACE_DIR/statedump.json             threads, namespaces, cgroups, containers
///     TRACE_DIR/formats/header_page        ring-buffer page header layout
///     TRACE_DIR/formats/header_event       event header layout
///     TRACE_DIR/formats/SUBSYSTEM/EVENT    each recorded event's format file
///     TRACE_DIR/cpuN.raw                   per-CPU ring-buffer pages, as the kernel wrote them
public struct TraceDirectoryLayout: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public static let formatVersion = 1
    public var metadataPath: String { "\(root)/metadata.json" }
    public var statedumpPath: String { "\(root)/statedump.json" }
    public var formatsDirectory: String { "\(root)/formats" }
    public var headerPagePath: String { "\(formatsDirectory)/header_page" }
    public var headerEventPath: String { "\(formatsDirectory)/header_event" }

    public func formatPath(_ tracepoint: TracepointName) -> String {
        "\(formatsDirectory)/\(tracepoint.subsystem)/\(tracepoint.event)"
    }

    public func rawPagesPath(cpu: Int) -> String { "\(root)/cpu\(cpu).raw" }
}
