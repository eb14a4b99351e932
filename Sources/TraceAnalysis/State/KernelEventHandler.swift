/// What an analysis hears from the replay: state changes and the intervals the state model
/// derived (a syscall from entry to exit, a wake-up to the switch-in, ...). Every method has a
/// default that does nothing; thread arguments are indices in `state.threads` (-1: unknown).
///
/// Callbacks come only for events inside the `--begin/--end` window and on accepted CPUs; thread,
/// container and duration filters are the analysis's to apply (only it knows whom to charge).
public protocol KernelEventHandler {
    mutating func traceBegan(state: KernelState)
    /// `previous` stopped and `next` started running on `cpu`; `ranSince` is when `previous`
    /// started (clipped to the window), `previousState` the kernel task state it left in.
    mutating func switched(
        at time: UInt64, cpu: Int, previous: Int32, ranSince: UInt64, previousState: Int64, next: Int32,
        state: KernelState)
    /// `thread` was woken at `wakeupTime` and got the CPU at `time` (run-queue latency).
    mutating func scheduled(
        at time: UInt64, cpu: Int, thread: Int32, wakeupTime: UInt64, waker: Int32, state: KernelState)
    mutating func migrated(at time: UInt64, thread: Int32, to cpu: Int, state: KernelState)
    /// An uninterruptible (D state) sleep of `thread` from `since` ended with a wake-up by `waker`.
    mutating func uninterruptibleSleepEnded(
        at time: UInt64, thread: Int32, since: UInt64, waker: Int32, state: KernelState)
    mutating func syscallEnded(at time: UInt64, cpu: Int, thread: Int32, call: SyscallInterval, state: KernelState)
    mutating func interruptHandled(_ interrupt: InterruptInterval, state: KernelState)
    mutating func blockRequestCompleted(_ request: BlockRequestInterval, state: KernelState)
    /// `pages` pages allocated (positive) or freed (negative) by `thread`.
    mutating func pagesChanged(at time: UInt64, cpu: Int, thread: Int32, pages: Int, state: KernelState)
    /// Every event, after the state model handled it, for analyses that look at raw fields.
    mutating func observed(_ record: EventRecord, binding: KernelEventBinding, thread: Int32, state: KernelState)
    /// Whether `observed` should be called at all (it costs a call per event).
    var observesEveryEvent: Bool { get }
    /// The events the handler hears about beyond scheduling, processes and the statedump
    /// (which the state model always follows): the replay skips the others unread.
    var eventInterests: KernelEventInterests { get }
    /// At the end of the trace (or window), `thread` had been running on `cpu` since `since`.
    mutating func stillRunning(at time: UInt64, cpu: Int, thread: Int32, since: UInt64, state: KernelState)
    mutating func traceEnded(at time: UInt64, state: KernelState)
}

extension KernelEventHandler {
    public mutating func traceBegan(state: KernelState) {}
    public mutating func switched(
        at time: UInt64, cpu: Int, previous: Int32, ranSince: UInt64, previousState: Int64, next: Int32,
        state: KernelState
    ) {}
    public mutating func scheduled(
        at time: UInt64, cpu: Int, thread: Int32, wakeupTime: UInt64, waker: Int32, state: KernelState
    ) {}
    public mutating func migrated(at time: UInt64, thread: Int32, to cpu: Int, state: KernelState) {}
    public mutating func uninterruptibleSleepEnded(
        at time: UInt64, thread: Int32, since: UInt64, waker: Int32, state: KernelState
    ) {}
    public mutating func syscallEnded(
        at time: UInt64, cpu: Int, thread: Int32, call: SyscallInterval, state: KernelState
    ) {}
    public mutating func interruptHandled(_ interrupt: InterruptInterval, state: KernelState) {}
    public mutating func blockRequestCompleted(_ request: BlockRequestInterval, state: KernelState) {}
    public mutating func pagesChanged(at time: UInt64, cpu: Int, thread: Int32, pages: Int, state: KernelState) {}
    public mutating func observed(_ record: EventRecord, binding: KernelEventBinding, thread: Int32, state: KernelState)
    {}
    public var observesEveryEvent: Bool { false }
    public var eventInterests: KernelEventInterests { .all }
    public mutating func stillRunning(at time: UInt64, cpu: Int, thread: Int32, since: UInt64, state: KernelState) {}
    public mutating func traceEnded(at time: UInt64, state: KernelState) {}
}

/// Kinds of events whose state only some handlers use (syscalls, interrupts, block requests,
/// page allocations): a handler that names none of them lets the replay skip those events,
/// which for a scheduling analysis are most of a kernel trace.
public struct KernelEventInterests: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `syscallEnded`, and the open files syscalls name (`KernelState.fileNames`).
    public static let syscalls = KernelEventInterests(rawValue: 1 << 0)
    /// `interruptHandled` (hard and soft IRQs).
    public static let interrupts = KernelEventInterests(rawValue: 1 << 1)
    /// `blockRequestCompleted`.
    public static let blockRequests = KernelEventInterests(rawValue: 1 << 2)
    /// `pagesChanged`.
    public static let pages = KernelEventInterests(rawValue: 1 << 3)
    public static let all: KernelEventInterests = [.syscalls, .interrupts, .blockRequests, .pages]
}

/// One finished syscall.
public struct SyscallInterval: Sendable {
    public var syscall: Int32
    public var begin: UInt64
    public var end: UInt64
    public var returnValue: Int64
    public var fileDescriptor: Int64
    public var byteCount: Int64
    public var fileName: String?

    public var duration: UInt64 { end &- begin }
}

/// One hard or soft interrupt handler run.
public struct InterruptInterval: Sendable {
    public var isSoft: Bool
    /// IRQ line (hard) or softirq vector (soft).
    public var number: Int
    public var name: String
    public var cpu: Int
    public var begin: UInt64
    public var end: UInt64
    /// When a soft IRQ was raised (0: unknown), for its raise-to-entry latency.
    public var raisedAt: UInt64

    public var duration: UInt64 { end &- begin }
}

/// One block request from issue (or insert) to completion, charged to the thread that caused it.
public struct BlockRequestInterval: Sendable {
    public var device: UInt64
    public var sector: UInt64
    public var bytes: UInt64
    /// Read, write, discard or flush, from the request's `rwbs`.
    public var operation: BlockOperation
    public var thread: Int32
    public var begin: UInt64
    public var end: UInt64

    public var duration: UInt64 { end &- begin }
}
