/// One off-CPU stack of a process before symbolization: where it was switched out.
package struct OffCPURawStack: Hashable, Sendable {
    /// The container of the task switched out; nil when every stack is one container's
    /// (`--container`), so no root frame names it.
    package var owner: TaskContainerResolver.Owner?
    package var processID: Int32
    /// Kernel instruction pointers, leaf first (empty when the kernel took no stack).
    package var kernelAddresses: [UInt64]
    /// User instruction pointers, leaf first; empty for a kernel thread.
    package var userAddresses: [UInt64]
    /// A user task whose user stack could not be taken (the map was full, or the walk faulted).
    package var userStackMissing: Bool
    package var kernelStackMissing: Bool

    package init(
        owner: TaskContainerResolver.Owner?, processID: Int32, kernelAddresses: [UInt64], userAddresses: [UInt64],
        userStackMissing: Bool = false, kernelStackMissing: Bool = false
    ) {
        self.owner = owner
        self.processID = processID
        self.kernelAddresses = kernelAddresses
        self.userAddresses = userAddresses
        self.userStackMissing = userStackMissing
        self.kernelStackMissing = kernelStackMissing
    }

    /// `PERF_CONTEXT_KERNEL`, `PERF_CONTEXT_USER`: the markers a perf call chain carries.
    static let contextKernel = UInt64(bitPattern: -128)
    static let contextUser = UInt64(bitPattern: -512)

    /// The stacks as one perf call chain (leaf first: kernel frames, then user frames, each
    /// after its context marker), the form the profiler's symbolizer reads.
    package var callchain: [UInt64] {
        var chain: [UInt64] = []
        chain.reserveCapacity(kernelAddresses.count + userAddresses.count + 2)
        if !kernelAddresses.isEmpty {
            chain.append(Self.contextKernel)
            chain.append(contentsOf: kernelAddresses)
        }
        if !userAddresses.isEmpty {
            chain.append(Self.contextUser)
            chain.append(contentsOf: userAddresses)
        }
        return chain
    }

    /// The stacks of `key` from the probe's stack map; -EFAULT (-14) for the user stack is a
    /// task without user memory (a kernel thread), not a missed stack.
    static func from(
        key: OffCPUTimeProbe.Key, owner: TaskContainerResolver.Owner?,
        stack: (Int32) throws(BPFError) -> [UInt64]?
    ) throws(BPFError) -> OffCPURawStack {
        let kernel = try stack(key.kernelStackID)
        let user = try stack(key.userStackID)
        return OffCPURawStack(
            owner: owner, processID: key.processID, kernelAddresses: kernel ?? [], userAddresses: user ?? [],
            userStackMissing: user == nil && key.userStackID != -14,
            kernelStackMissing: kernel == nil)
    }
}

/// Off-CPU nanoseconds per raw stack, summed across threads and reads of the map.
package struct OffCPUStackTotals: Sendable, Equatable {
    package private(set) var nanosecondsByStack: [OffCPURawStack: UInt64] = [:]

    package init() {}

    /// Adds one read of the map; threads of a process with the same stacks are merged.
    package mutating func add(_ stack: OffCPURawStack, nanoseconds: UInt64) {
        nanosecondsByStack[stack, default: 0] &+= nanoseconds
    }

    /// Every process seen.
    package var processIDs: Set<Int32> { Set(nanosecondsByStack.keys.map(\.processID)) }

    /// The sum over all stacks, ns.
    package var totalNanoseconds: UInt64 { nanosecondsByStack.values.reduce(0, &+) }
}
