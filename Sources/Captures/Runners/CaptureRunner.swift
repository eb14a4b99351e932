import Profiling

/// One capture to run: the container resolved, the directory it writes into.
public struct CaptureJob: Sendable {
    public var id: CaptureID
    public var container: ResolvedContainer
    public var kind: CaptureKind
    public var format: ProfileOutputFormat?
    public var durationSeconds: Double
    /// The capture's own directory (created, empty).
    public var directory: String
}

/// What a runner wrote.
public struct CaptureOutput: Sendable {
    /// The result file, inside the job's directory.
    public var fileName: String
    public var contentType: String
    /// What was collected, in a line.
    public var summary: String
    /// What to know about it (lost samples, an empty profile).
    public var warning: String?

    public init(fileName: String, contentType: String, summary: String, warning: String? = nil) {
        self.fileName = fileName
        self.contentType = contentType
        self.summary = summary
        self.warning = warning
    }
}

/// Runs one kind of capture on the calling thread (a thread of its own: the loops block).
///
/// `shouldStop` becomes true when the agent stops: the runner must then end early, release
/// every kernel resource it holds (perf events, tracefs instance) and return what it has.
public protocol CaptureRunner: Sendable {
    func run(_ job: CaptureJob, shouldStop: @escaping @Sendable () -> Bool) throws -> CaptureOutput
}

/// A runner's failure, with what the user can do about it.
public struct CaptureRunError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
