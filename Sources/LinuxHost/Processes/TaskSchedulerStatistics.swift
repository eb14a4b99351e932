/// A task's `/proc/PID/task/TID/schedstat`: time on a CPU and time waiting on a run queue.
///
/// The wait is what a real-time thread throttled by its RT budget shows: it stays runnable
/// while its group's `cpu.rt_runtime_us` is spent, so its run-queue wait grows by the rest of
/// every `cpu.rt_period_us`. Needs CONFIG_SCHED_INFO (enabled by every distribution kernel).
public struct TaskSchedulerStatistics: Sendable, Equatable, Codable {
    /// Nanoseconds spent running on a CPU.
    public var runNanoseconds: UInt64
    /// Nanoseconds spent runnable, waiting on a run queue.
    public var runQueueWaitNanoseconds: UInt64
    /// Times it was scheduled in.
    public var timeslices: UInt64

    /// Creates a value from its fields.
    public init(runNanoseconds: UInt64, runQueueWaitNanoseconds: UInt64, timeslices: UInt64) {
        self.runNanoseconds = runNanoseconds
        self.runQueueWaitNanoseconds = runQueueWaitNanoseconds
        self.timeslices = timeslices
    }

    /// Parses the three numbers of the file.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, path: String
    ) throws(HostReadError) -> TaskSchedulerStatistics {
        var scanner = ByteScanner(bytes)
        guard let run = scanner.readUInt64(), let wait = scanner.readUInt64(), let slices = scanner.readUInt64() else {
            throw HostReadError(path: path, malformed: "expected three numbers")
        }
        return TaskSchedulerStatistics(runNanoseconds: run, runQueueWaitNanoseconds: wait, timeslices: slices)
    }
}

extension Procfs {
    /// `/proc/PID/task/TID/schedstat` of `task`.
    public func schedulerStatistics(_ task: TaskID) throws(HostReadError) -> TaskSchedulerStatistics {
        let path = "\(root)/\(task.pid)/task/\(task.tid)/schedstat"
        return try reader.withContents(of: path) { bytes throws(HostReadError) in
            try TaskSchedulerStatistics.parse(bytes, path: path)
        }
    }

    /// The CPUs `task` may run on (`Cpus_allowed_list` of its status, what `taskset -p` shows).
    public func allowedCPUs(_ task: TaskID) throws(HostReadError) -> CPUList {
        let path = "\(root)/\(task.pid)/task/\(task.tid)/status"
        return try reader.withContents(of: path) { bytes throws(HostReadError) in
            let key = Array("Cpus_allowed_list:".utf8)
            var scanner = ByteScanner(bytes)
            while !scanner.isAtEnd {
                let line = scanner.readLineRange()
                guard line.count > key.count,
                    zip(bytes[line.lowerBound..<(line.lowerBound + key.count)], key).allSatisfy({ $0 == $1 })
                else { continue }
                var start = line.lowerBound + key.count
                while start < line.upperBound, bytes[start] == .space || bytes[start] == .tab { start += 1 }
                return try CPUList.parse(UnsafeRawBufferPointer(rebasing: bytes[start..<line.upperBound]), path: path)
            }
            throw HostReadError(path: path, malformed: "no Cpus_allowed_list")
        }
    }
}

extension Procfs {
    /// The scheduling policy and RT priority of `task` (stat fields 41 and 40) without parsing
    /// the other fields or the comm: what a scan for the few RT threads among all threads needs.
    /// Nil when the file is malformed or the kernel does not report them.
    public func schedulingPolicy(
        _ task: TaskID
    ) throws(HostReadError) -> (policy: SchedulingPolicy, realtimePriority: UInt32)? {
        try reader.withContents(of: path(task, "stat")) { bytes in
            // The comm may contain ") ": fields restart after the *last* ')'. Field 3 (state) follows it.
            guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
            var scanner = ByteScanner(bytes, offset: close + 1)
            var field = 2
            var last: Range<Int>?
            while field < 40 {
                guard let range = scanner.readFieldRange() else { return nil }
                field += 1
                last = range
            }
            // `last` is field 40 (rt_priority); field 41 (policy) is next.
            guard let last else { return nil }
            var priorityField = ByteScanner(bytes, offset: last.lowerBound)
            guard let priority = priorityField.readUInt64(), let policy = scanner.readInt64() else { return nil }
            return (SchedulingPolicy(number: policy), UInt32(truncatingIfNeeded: priority))
        }
    }
}
