import ContainerInventory
import Recording
import ResourceMetrics

/// A recorded range read back as the `ObservationWindow` a live `diagnose` would have
/// watched: the host's and every container's rates between consecutive samples, computed by
/// the live code from the stored counters. The Diagnoser then runs unchanged, with any
/// thresholds.
package struct RecordedWindow {
    package let reader: RecordingReader
    package let start: Double
    package let end: Double

    package init(reader: RecordingReader, start: Double, end: Double) {
        self.reader = reader
        self.start = start
        self.end = end
    }

    /// The window, focused on `focus` (none: every container).
    package func observationWindow(focus: [RecordedContainer]) throws -> ObservationWindow {
        let from = RecordingReader.milliseconds(start), to = RecordingReader.milliseconds(end)
        // Every container's samples in one pass over the store (not one pass per container).
        let samplesByContainer = try reader.read { store throws(RecordingError) in
            try store.samplesByContainer(from: from, to: to)
        }
        let hostSamples = samplesByContainer[.host] ?? []
        let hostCPUCount = Int(hostSamples.last { $0.values[.hostCPUCount] != nil }?.values[.hostCPUCount] ?? 1)
        var host: [HostRates] = []
        for (old, new) in zip(hostSamples, hostSamples.dropFirst()) {
            guard
                var rates = HostRates(
                    old: RecordedCounters.sample(old, RecordedCounters.host(old.values)),
                    new: RecordedCounters.sample(new, RecordedCounters.host(new.values)))
            else { continue }
            // Per-CPU times are not recorded: the count comes from the stored CPU count.
            rates.cpuCount = hostCPUCount
            host.append(rates)
        }
        var containers: [ObservedContainer] = []
        for container in try reader.containers(from: start, to: end) where !container.key.isHost {
            // The recorder stores ContainerKey's `runtime:id` text; a runtime this version
            // does not know cannot be diagnosed.
            guard let key = ContainerKey(text: container.key.rawValue) else { continue }
            let samples = samplesByContainer[container.key] ?? []
            containers.append(
                observed(
                    container, key: key, samples: samples, hostCPUCount: hostCPUCount,
                    recordedUntil: hostSamples.last.map(RecordedSeries.seconds) ?? end))
        }
        let kernelLogErrors = try reader.read { store throws(RecordingError) in
            try store.events(from: from, to: to, kinds: [.kernelLogError, .oomKill])
        }
        var limitations = [
            "replayed from the recording \(reader.path): disks and interfaces are summed (the recorder keeps totals), and host processes' CPU is not recorded, so blame names containers only"
        ]
        if !kernelLogErrors.isEmpty {
            limitations.append(
                "\(kernelLogErrors.count) kernel-log errors and OOM kills recorded in the window are not re-read here; OOM kills are judged from the cgroup counters"
            )
        }
        let firstTime = hostSamples.first.map(RecordedSeries.seconds) ?? start
        let lastTime = hostSamples.last.map(RecordedSeries.seconds) ?? start
        return ObservationWindow(
            viewpoint: .host, hostname: "recording \(reader.path)", durationSeconds: lastTime - firstTime,
            intervalSeconds: host.isEmpty ? 0 : host.map(\.intervalSeconds).sorted()[host.count / 2],
            host: host, containers: containers,
            focus: focus.filter { !$0.key.isHost }.compactMap { ContainerKey(text: $0.key.rawValue) },
            kernelLog: KernelLogObservation(readable: true, windowStartUnixSeconds: firstTime), limitations: limitations
        )
    }

    private func observed(
        _ container: RecordedContainer, key: ContainerKey, samples: [RecordedSample], hostCPUCount: Int,
        recordedUntil: Double
    ) -> ObservedContainer {
        var intervals: [CgroupRates] = []
        var switches: [ContextSwitchRates] = []
        var network: [[NetworkRates]] = []
        var dState: [Double] = []
        for (old, new) in zip(samples, samples.dropFirst()) {
            let oldCounters = RecordedCounters.cgroup(old.values), newCounters = RecordedCounters.cgroup(new.values)
            guard
                let rates = CgroupRates(
                    old: RecordedCounters.sample(old, oldCounters), new: RecordedCounters.sample(new, newCounters),
                    hostCPUCount: hostCPUCount),
                let calculator = RateCalculator(elapsedSeconds: rates.intervalSeconds)
            else { continue }
            intervals.append(rates)
            let tasks = Int(new.values[.processes] ?? new.values[.pids] ?? 0)
            switches.append(
                ContextSwitchRates(
                    voluntaryPerSecond: calculator.rate(
                        from: unsigned(old, .voluntaryContextSwitches), to: unsigned(new, .voluntaryContextSwitches))?
                        .perSecond ?? 0,
                    involuntaryPerSecond: calculator.rate(
                        from: unsigned(old, .involuntaryContextSwitches), to: unsigned(new, .involuntaryContextSwitches)
                    )?.perSecond ?? 0,
                    tasks: tasks))
            let oldHost = RecordedCounters.host(old.values).networkDevices,
                newHost = RecordedCounters.host(new.values).networkDevices
            network.append(zip(oldHost, newHost).map { NetworkRates(old: $0.0, new: $0.1, rates: calculator) })
            dState.append(Double(new.values[.dStateThreadsMilli] ?? 0) / 1000)
        }
        let lastSeen = Double(container.lastSeenUnixMilliseconds) / 1000
        let stopped = container.stoppedAtUnixMilliseconds.map { Double($0) / 1000 }
        // Gone before the recorder's last sample of the range (not before --until: the recorder may have stopped).
        let vanished =
            (stopped.map { $0 <= recordedUntil } ?? false)
            || lastSeen < recordedUntil - 2 * max(intervals.last?.intervalSeconds ?? 1, 1)
        return ObservedContainer(
            key: key, displayName: container.name, runtime: container.runtime,
            processCount: Int(samples.last?.values[.processes] ?? samples.last?.values[.pids] ?? 0),
            vanishedDuringWindow: vanished,
            intervals: intervals, firstCounters: samples.first.map { RecordedCounters.cgroup($0.values) },
            lastCounters: samples.last.map { RecordedCounters.cgroup($0.values) }, contextSwitches: switches,
            network: network,
            averageDStateThreads: dState)
    }

    private func unsigned(_ sample: RecordedSample, _ metric: RecordedMetric) -> UInt64? {
        sample.values[metric].flatMap { UInt64(exactly: $0) }
    }
}
