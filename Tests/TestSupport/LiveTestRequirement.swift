import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A live test's requirement (root, Docker, tracefs, perf, unshare): without it the test is
/// skipped with the reason, except under CI (`CI=true`, as root), where a missing set-up step
/// must never hide as a skip: the test then fails with the reason.
///
/// Use as a trait where `.enabled(if:_:)` would be: `@Test(.live(if: dockerAvailable, dockerReason))`.
public struct LiveTestRequirement: TestTrait, SuiteTrait {
    /// The requirement, evaluated when the test is about to run.
    public var isMet: @Sendable () -> Bool
    /// What is needed and how to get it.
    public var reason: Comment
    /// Whether a missing requirement fails instead of skipping.
    public var failsWhenMissing: Bool
    /// Whether the test uses the whole host (root, Docker, tracefs, perf, BPF, load) and so
    /// must run in a live suite, one test at a time; false for a tool that set-up installs.
    public var usesTheHost: Bool = true

    /// True under CI (`CI=true`) as root: live tests must run there.
    public static var isRequiredToRun: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true" && geteuid() == 0
    }

    /// The error a missing requirement fails with under CI.
    public struct MissingUnderCI: Error, CustomStringConvertible {
        /// The requirement's reason.
        public var reason: Comment
        /// "required under CI (CI=true, root): needs ...".
        public var description: String {
            "live test required under CI (CI=true, root) but its requirement is missing: \(reason)"
        }
    }

    public var comments: [Comment] { [reason] }

    /// A live test found in the parallel unit run (scripts/test.sh sets PERISCOPE_TEST_PHASE=unit):
    /// it belongs in a *LiveTests target or suite, which run one at a time.
    public struct LiveTestInUnitRun: Error, CustomStringConvertible {
        public var test: String
        public var description: String {
            "\(test) is a live test in a unit suite, which runs in parallel: move it into a *LiveTests target or suite (scripts/test.sh runs those one at a time)"
        }
    }

    public func prepare(for test: Test) async throws {
        if usesTheHost, ProcessInfo.processInfo.environment["PERISCOPE_TEST_PHASE"] == "unit" {
            throw LiveTestInUnitRun(test: test.id.description)
        }
        guard !isMet() else { return }
        if failsWhenMissing { throw MissingUnderCI(reason: reason) }
        // The ordinary skip, with its reason.
        try await ConditionTrait.enabled(if: false, reason).prepare(for: test)
    }
}

extension Trait where Self == LiveTestRequirement {
    /// Runs the test when `condition` holds; otherwise skips it with `reason`, or, under CI as
    /// root, fails it with `reason`.
    public static func live(if condition: @autoclosure @escaping @Sendable () -> Bool, _ reason: Comment) -> Self {
        LiveTestRequirement(isMet: condition, reason: reason, failsWhenMissing: LiveTestRequirement.isRequiredToRun)
    }
}

extension Trait where Self == LiveTestRequirement {
    /// For a test that needs only a tool scripts/test-setup.sh installs (chromium, tmux,
    /// babeltrace2, gcc): runs when `condition` holds; otherwise skips with `reason`, or, under CI
    /// as root, fails. Unlike `.live` it may run in a unit suite, beside other tests.
    public static func installed(if condition: @autoclosure @escaping @Sendable () -> Bool, _ reason: Comment) -> Self {
        var requirement = LiveTestRequirement(
            isMet: condition, reason: reason, failsWhenMissing: LiveTestRequirement.isRequiredToRun)
        requirement.usesTheHost = false
        return requirement
    }
}
