import Profiling

/// One capture to run: the container resolved, the directory it writes into.
package struct CaptureJob: Sendable {
    package var id: CaptureID
    package var container: ResolvedContainer
    package var kind: CaptureKind
    package var format: ProfileOutputFormat?
    package var durationSeconds: Double
    /// The capture's own directory (created, empty).
    package var directory: String
}

/// What a runner wrote.
package struct CaptureOutput: Sendable {
    /// The result file, inside the job's directory.
    package var fileName: String
    package var contentType: String
    /// What was collected, in a line.
    package var summary: String
    /// What to know about it (lost samples, an empty profile).
    package var warning: String?

    package init(fileName: String, contentType: String, summary: String, warning: String? = nil) {
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
package protocol CaptureRunner: Sendable {
    func run(_ job: CaptureJob, shouldStop: @escaping @Sendable () -> Bool) throws -> CaptureOutput
}

/// A runner's failure, with what the user can do about it.
package struct CaptureRunError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
