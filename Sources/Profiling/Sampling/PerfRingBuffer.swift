#if canImport(Glibc)
import Glibc
#endif
import CLinuxSupport

/// One perf event descriptor and its mmap'ed ring buffer: a metadata page followed by
/// 2^n data pages. Owns both; `close()` (or deinit) unmaps and closes exactly once.
package final class PerfRingBuffer {
    /// The CPU this event samples.
    package let cpu: Int
    /// The perf event descriptor, -1 once closed.
    package private(set) var fileDescriptor: Int32
    private var mapping: UnsafeMutableRawPointer?
    private let mappingLength: Int
    private let dataLength: Int
    private var reader = PerfRingReader()

    /// Opens a cpu-clock sampling event on `cpu`, disabled, and maps `dataPages` (a power of
    /// two) of ring buffer. Without `cgroupDescriptor` it samples every task (pid -1); with an
    /// open cgroup directory it samples only tasks of that cgroup and its descendants
    /// (PERF_FLAG_PID_CGROUP), so the kernel does the container filtering.
    package init(
        cpu: Int, frequencyHz: UInt64, dataPages: Int, cgroupDescriptor: Int32? = nil, event: SamplingEvent = .cpuClock
    ) throws(PerfEventOpenError) {
        precondition(dataPages > 0 && dataPages & (dataPages - 1) == 0, "data pages must be a power of two")
        self.cpu = cpu
        var attributes = perf_event_attr()
        attributes.size = UInt32(MemoryLayout<perf_event_attr>.size)
        switch event {
        case .cpuClock:
            attributes.type = periscope_perf_type_software
            attributes.config = periscope_perf_count_sw_cpu_clock
        case .cycles:
            attributes.type = periscope_perf_type_hardware
            attributes.config = periscope_perf_count_hw_cpu_cycles
        }
        attributes.sample_freq = frequencyHz
        attributes.freq = 1
        attributes.sample_type =
            periscope_perf_sample_ip | periscope_perf_sample_tid | periscope_perf_sample_time
            | periscope_perf_sample_callchain | periscope_perf_sample_cpu | periscope_perf_sample_period
        attributes.disabled = 1
        attributes.use_clockid = 1
        attributes.clockid = CLOCK_MONOTONIC
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        dataLength = dataPages * pageSize
        mappingLength = (1 + dataPages) * pageSize
        // Wake poll() when a quarter of the buffer is full, so a busy CPU is drained early.
        attributes.watermark = 1
        attributes.wakeup_watermark = UInt32(dataLength / 4)
        let flags = periscope_perf_flag_fd_cloexec | (cgroupDescriptor == nil ? 0 : periscope_perf_flag_pid_cgroup)
        let descriptor = periscope_perf_event_open(&attributes, cgroupDescriptor ?? -1, Int32(cpu), -1, flags)
        guard descriptor >= 0 else {
            let scope = cgroupDescriptor == nil ? "" : ", cgroup"
            throw PerfEventOpenError(
                operation: "perf_event_open(\(event.rawValue), cpu \(cpu)\(scope))", errorNumber: errno)
        }
        fileDescriptor = descriptor
        let address = mmap(nil, mappingLength, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            let failure = errno
            Glibc.close(descriptor)
            fileDescriptor = -1
            throw PerfEventOpenError(
                operation: "mmap of the perf ring buffer for cpu \(cpu) (\(mappingLength) bytes)", errorNumber: failure)
        }
        mapping = address
    }

    deinit { close() }

    /// Starts sampling.
    package func enable() throws(PerfEventOpenError) {
        guard ioctl(fileDescriptor, periscope_perf_event_ioc_enable, 0) == 0 else {
            throw PerfEventOpenError(operation: "ioctl(PERF_EVENT_IOC_ENABLE) on cpu \(cpu)", errorNumber: errno)
        }
    }

    /// Stops sampling; records already written stay readable.
    package func disable() {
        _ = ioctl(fileDescriptor, periscope_perf_event_ioc_disable, 0)
    }

    /// Hands every record written since the last call to `body`, then releases their space
    /// to the kernel. Returns whether the buffer held a corrupt record (dropped).
    @discardableResult
    package func drain(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard let mapping else { return false }
        let page = mapping.assumingMemoryBound(to: perf_event_mmap_page.self)
        let head = periscope_perf_load_data_head(page)
        let tail = page.pointee.data_tail
        let data = UnsafeRawBufferPointer(
            start: mapping
                + Int(page.pointee.data_offset == 0 ? UInt64(mappingLength - dataLength) : page.pointee.data_offset),
            count: dataLength)
        let pass = reader.forEachRecord(data: data, head: head, tail: tail, body)
        periscope_perf_store_data_tail(page, pass.tail)
        return pass.isCorrupt
    }

    /// Unmaps the buffer and closes the descriptor; safe to call more than once.
    package func close() {
        if let mapping {
            munmap(mapping, mappingLength)
            self.mapping = nil
        }
        if fileDescriptor >= 0 {
            Glibc.close(fileDescriptor)
            fileDescriptor = -1
        }
    }
}

/// The event that drives sampling.
package enum SamplingEvent: String, Sendable, CaseIterable {
    /// The software CPU clock: always there, also in VMs without a PMU.
    case cpuClock = "cpu-clock"
    /// Hardware CPU cycles: finer, when the CPU (or hypervisor) exposes a PMU.
    case cycles
}
