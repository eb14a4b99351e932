/// The statedump as LTTng statedump events in their own stream: `lttng_statedump_start`,
/// a `lttng_statedump_container` per container ("LTTng: the road to container awareness" (FOSDEM 2018)'s container statedump: name, type,
/// PID namespace), per thread `lttng_statedump_process_state` (2.10 layout, with ns_level
/// and ns_inum), `lttng_statedump_process_pid_ns` per namespace level and one
/// `lttng_statedump_process_NS_ns` per other namespace, then `lttng_statedump_end`.
/// All are stamped at one time before the first event, as LTTng's statedump precedes the
/// events it explains; threads and containers that rescans found during the capture are
/// included (their fork events come later, with their own times).
extension CTFTraceConverter {
    static let otherNamespaceKinds = ["mnt", "net", "uts", "ipc", "user", "cgroup"]

    func writeStatedump(at time: UInt64) {
        guard let stream = statedumpStream else { return }
        let dump = reader.recordedStatedump
        let start = addClass("lttng_statedump_start", [])
        let end = addClass("lttng_statedump_end", [])
        let container = addClass(
            "lttng_statedump_container",
            [
                CTFField("container_name", .string), CTFField("container_type", .string),
                CTFField("container_id", .string),
                CTFField("pid_ns", .uint32)
            ])
        let processState = addClass(
            "lttng_statedump_process_state",
            [
                CTFField("tid", .int32), CTFField("vtid", .int32), CTFField("pid", .int32), CTFField("vpid", .int32),
                CTFField("ppid", .int32), CTFField("vppid", .int32), CTFField("name", .comm), CTFField("type", .int32),
                CTFField("mode", .int32), CTFField("submode", .int32), CTFField("status", .int32),
                CTFField("ns_level", .int32),
                CTFField("ns_inum", .uint32), CTFField("cpu", .uint32)
            ])
        let pidNamespace = addClass(
            "lttng_statedump_process_pid_ns",
            [
                CTFField("tid", .int32), CTFField("vtid", .int32), CTFField("vpid", .int32), CTFField("vppid", .int32),
                CTFField("ns_level", .int32), CTFField("ns_inum", .uint32)
            ])
        var namespaceClasses: [String: Int] = [:]
        for kind in Self.otherNamespaceKinds {
            namespaceClasses[kind] = addClass(
                "lttng_statedump_process_\(kind)_ns", [CTFField("tid", .int32), CTFField("ns_inum", .uint32)])
        }
        let hostPIDNamespace = UInt32(truncatingIfNeeded: dump.hostNamespaces["pid"] ?? 0)

        func begin(_ id: Int, at timestamp: UInt64, thread: RecordedThread?) {
            stream.beginEvent(id: id, timestamp: timestamp)
            stream.encoder.appendFixedText(thread?.comm ?? "periscope", count: 16)
            for value in [thread?.pid, thread?.vpid, thread?.tid, thread?.vtid] { stream.encoder.append(value ?? 0) }
            stream.encoder.append(UInt32(truncatingIfNeeded: thread?.namespaces["pid"] ?? 0))
            for kind in ["mnt", "net", "user", "uts", "ipc", "cgroup"] {
                stream.encoder.append(UInt32(truncatingIfNeeded: thread?.namespaces[kind] ?? 0))
            }
            statedumpEventCount += 1
        }
        func finish() {
            do { try stream.endEvent() } catch { failure = error }
        }

        begin(start, at: time, thread: nil)
        finish()
        var pending: [(timestamp: UInt64, write: () -> Void)] = []
        for entry in dump.containers {
            pending.append(
                (
                    entry.firstSeenNs,
                    {
                        begin(container, at: time, thread: nil)
                        stream.encoder.appendString(entry.displayName)
                        stream.encoder.appendString(entry.runtime)
                        stream.encoder.appendString(entry.id)
                        stream.encoder.append(UInt32(truncatingIfNeeded: entry.pidNamespace ?? 0))
                        finish()
                    }
                ))
        }
        for thread in dump.threads {
            pending.append(
                (
                    thread.seenAtNs,
                    {
                        let level = max(0, thread.namespaceTIDs.count - 1)
                        let threadNamespace = UInt32(truncatingIfNeeded: thread.namespaces["pid"] ?? 0)
                        let kernelThread = thread.pid == 2 || thread.ppid == 2
                        begin(processState, at: time, thread: thread)
                        for value in [
                            thread.tid, thread.vtid, thread.pid, thread.vpid, thread.ppid, level == 0 ? thread.ppid : 0
                        ] { stream.encoder.append(value) }
                        stream.encoder.appendFixedText(thread.comm, count: 16)
                        for value: Int32 in [kernelThread ? 1 : 0, 5, 0, 5, Int32(level)] {
                            stream.encoder.append(value)
                        }
                        stream.encoder.append(threadNamespace)
                        stream.encoder.append(UInt32(0))
                        finish()
                        for (depth, id) in thread.namespaceTIDs.enumerated() {
                            begin(pidNamespace, at: time, thread: thread)
                            stream.encoder.append(thread.tid)
                            stream.encoder.append(id)
                            stream.encoder.append(depth < thread.namespacePIDs.count ? thread.namespacePIDs[depth] : id)
                            stream.encoder.append(Int32(0))
                            stream.encoder.append(Int32(depth))
                            // Only the outermost and innermost levels' inodes are known from /proc.
                            stream.encoder.append(depth == 0 ? hostPIDNamespace : depth == level ? threadNamespace : 0)
                            finish()
                        }
                        for kind in Self.otherNamespaceKinds {
                            guard let inode = thread.namespaces[kind], let id = namespaceClasses[kind] else { continue }
                            begin(id, at: time, thread: thread)
                            stream.encoder.append(thread.tid)
                            stream.encoder.append(UInt32(truncatingIfNeeded: inode))
                            finish()
                        }
                    }
                ))
        }
        // Initial entries first, then the ones rescans found, in the order they were seen.
        for item in pending.enumerated().sorted(by: {
            ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset)
        }) {
            item.element.write()
        }
        begin(end, at: time, thread: nil)
        finish()
    }
}
