/// How ftrace events become LTTng-kernel events in the CTF output, so Trace Compass's kernel
/// analysis and lttng-analyses recognise them: LTTng names (`prev_tid`, not `prev_pid`),
/// LTTng's priority convention (kernel prio minus 100), its `rwbs` bit mask, its 2.7+ names
/// for soft IRQs and page events. Events without an LTTng counterpart keep ftrace's name and
/// fields.
enum LTTngEventMapping {
    /// Where a CTF field's value comes from.
    enum Source: Sendable {
        /// An ftrace payload field of the same meaning.
        case field(String)
        /// An ftrace `prio` (0-139) as LTTng writes it (prio - MAX_RT_PRIO).
        case priority(String)
        /// An ftrace `rwbs` text ("WS", "RA") as LTTng's bit mask.
        case requestFlags(String)
        /// The thread that emitted the event (`common_pid`).
        case currentThread
        /// The thread group of the thread in this ftrace field, from the statedump and forks.
        case threadGroup(String)
        /// The PID-namespace inode of that thread.
        case pidNamespace(String)
        /// Its id at each PID-namespace level, host first (LTTng's `vtids`).
        case namespaceIDs(String)
        /// A value ftrace does not record (e.g. the `struct page *` of page events).
        case zero
    }

    struct Entry {
        var name: String
        var fields: [(CTFField, Source)]
    }

    static func task(_ name: String, extra: [(CTFField, Source)] = []) -> Entry {
        Entry(
            name: name,
            fields: [
                (CTFField("comm", .comm), .field("comm")), (CTFField("tid", .int32), .field("pid")),
                (CTFField("prio", .int32), .priority("prio"))
            ] + extra)
    }

    static func blockRequest(_ name: String) -> Entry {
        Entry(
            name: name,
            fields: [
                (CTFField("dev", .uint32), .field("dev")), (CTFField("sector", .uint64), .field("sector")),
                (CTFField("nr_sector", .uint32), .field("nr_sector")), (CTFField("bytes", .uint32), .field("bytes")),
                (CTFField("tid", .int32), .currentThread), (CTFField("rwbs", .uint32), .requestFlags("rwbs")),
                (CTFField("comm", .comm), .field("comm"))
            ])
    }

    static func softIRQ(_ name: String) -> Entry {
        Entry(name: name, fields: [(CTFField("vec", .uint32), .field("vec"))])
    }

    /// ftrace event name to its LTTng form.
    static let table: [String: Entry] = [
        "sched_switch": Entry(
            name: "sched_switch",
            fields: [
                (CTFField("prev_comm", .comm), .field("prev_comm")), (CTFField("prev_tid", .int32), .field("prev_pid")),
                (CTFField("prev_prio", .int32), .priority("prev_prio")),
                (CTFField("prev_state", .int64), .field("prev_state")),
                (CTFField("next_comm", .comm), .field("next_comm")), (CTFField("next_tid", .int32), .field("next_pid")),
                (CTFField("next_prio", .int32), .priority("next_prio"))
            ]),
        "sched_wakeup": task("sched_wakeup", extra: [(CTFField("target_cpu", .int32), .field("target_cpu"))]),
        "sched_waking": task("sched_waking", extra: [(CTFField("target_cpu", .int32), .field("target_cpu"))]),
        "sched_wakeup_new": task("sched_wakeup_new", extra: [(CTFField("target_cpu", .int32), .field("target_cpu"))]),
        "sched_migrate_task": task(
            "sched_migrate_task",
            extra: [
                (CTFField("orig_cpu", .int32), .field("orig_cpu")), (CTFField("dest_cpu", .int32), .field("dest_cpu"))
            ]),
        "sched_process_exit": task("sched_process_exit"),
        "sched_process_free": task("sched_process_free"),
        "sched_process_wait": task("sched_process_wait"),
        "sched_process_fork": Entry(
            name: "sched_process_fork",
            fields: [
                (CTFField("parent_comm", .comm), .field("parent_comm")),
                (CTFField("parent_tid", .int32), .field("parent_pid")),
                (CTFField("parent_pid", .int32), .threadGroup("parent_pid")),
                (CTFField("parent_ns_inum", .uint32), .pidNamespace("parent_pid")),
                (CTFField("child_comm", .comm), .field("child_comm")),
                (CTFField("child_tid", .int32), .field("child_pid")),
                (
                    CTFField("vtids", .integerSequence(bits: 32, signed: true, wideLength: false)),
                    .namespaceIDs("child_pid")
                ),
                (CTFField("child_pid", .int32), .threadGroup("child_pid")),
                (CTFField("child_ns_inum", .uint32), .pidNamespace("child_pid"))
            ]),
        "sched_process_exec": Entry(
            name: "sched_process_exec",
            fields: [
                (CTFField("filename", .string), .field("filename")), (CTFField("tid", .int32), .field("pid")),
                (CTFField("old_tid", .int32), .field("old_pid"))
            ]),
        "irq_handler_entry": Entry(
            name: "irq_handler_entry",
            fields: [(CTFField("irq", .int32), .field("irq")), (CTFField("name", .string), .field("name"))]),
        "irq_handler_exit": Entry(
            name: "irq_handler_exit",
            fields: [(CTFField("irq", .int32), .field("irq")), (CTFField("ret", .int32), .field("ret"))]),
        "softirq_entry": softIRQ("irq_softirq_entry"),
        "softirq_exit": softIRQ("irq_softirq_exit"),
        "softirq_raise": softIRQ("irq_softirq_raise"),
        "block_rq_issue": blockRequest("block_rq_issue"),
        "block_rq_insert": blockRequest("block_rq_insert"),
        "block_rq_complete": Entry(
            name: "block_rq_complete",
            fields: [
                (CTFField("dev", .uint32), .field("dev")), (CTFField("sector", .uint64), .field("sector")),
                (CTFField("nr_sector", .uint32), .field("nr_sector")), (CTFField("errors", .int32), .field("error")),
                (CTFField("rwbs", .uint32), .requestFlags("rwbs"))
            ]),
        "mm_page_alloc": Entry(
            name: "kmem_mm_page_alloc",
            fields: [
                (CTFField("page", .integer(bits: 64, signed: false, hexadecimal: true)), .zero),
                (CTFField("pfn", .uint64), .field("pfn")),
                (CTFField("order", .uint32), .field("order")), (CTFField("gfp_flags", .uint32), .field("gfp_flags")),
                (CTFField("migratetype", .int32), .field("migratetype"))
            ]),
        "mm_page_free": Entry(
            name: "kmem_mm_page_free",
            fields: [
                (CTFField("page", .integer(bits: 64, signed: false, hexadecimal: true)), .zero),
                (CTFField("pfn", .uint64), .field("pfn")),
                (CTFField("order", .uint32), .field("order"))
            ])
    ]
}
