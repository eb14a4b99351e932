/// The TSDL metadata of a Periscope CTF trace: one stream class whose packets look like
/// LTTng kernel packets, LTTng's per-event contexts, and the `env` Trace Compass needs to
/// open the trace as a Linux kernel trace.
enum CTFWriterMetadata {
    /// Per-event context, in write order.
    static let eventContext: [CTFField] = [
        CTFField("procname", .comm), CTFField("pid", .int32), CTFField("vpid", .int32), CTFField("tid", .int32),
        CTFField("vtid", .int32), CTFField("pid_ns", .uint32), CTFField("mnt_ns", .uint32), CTFField("net_ns", .uint32),
        CTFField("user_ns", .uint32), CTFField("uts_ns", .uint32), CTFField("ipc_ns", .uint32),
        CTFField("cgroup_ns", .uint32)
    ]

    /// The env says lttng-modules 2.10.10: 2.10 is the event layout written here, and babeltrace2
    /// treats 2.10.0-2.10.9 as having the "event after packet" bug, cutting each stream's last
    /// packet at its last event, which makes stream intersection drop the trace after the statedump.
    static func render(uuid: String, metadata: TraceMetadata, classes: [CTFEventClass]) -> String {
        var text = """
            /* CTF 1.8 */

            typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
            typealias integer { size = 16; align = 8; signed = false; } := uint16_t;
            typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
            typealias integer { size = 64; align = 8; signed = false; } := uint64_t;

            trace {
            \tmajor = 1;
            \tminor = 8;
            \tuuid = "\(uuid)";
            \tbyte_order = le;
            \tpacket.header := struct {
            \t\tuint32_t magic;
            \t\tuint8_t  uuid[16];
            \t\tuint32_t stream_id;
            \t\tuint64_t stream_instance_id;
            \t};
            };

            env {
            \thostname = "\(escaped(metadata.hostname))";
            \tdomain = "kernel";
            \tsysname = "Linux";
            \tkernel_release = "\(escaped(metadata.kernelRelease))";
            \ttracer_name = "lttng-modules";
            \ttracer_major = 2;
            \ttracer_minor = 10;
            \ttracer_patchlevel = 10;
            \ttrace_producer = "periscope";
            \tperiscope_trace_mode = "\(escaped(metadata.mode))";
            \tperiscope_machine = "\(escaped(metadata.machine))";
            };

            clock {
            \tname = "monotonic";
            \tdescription = "Monotonic Clock";
            \tfreq = 1000000000;
            \toffset = \(max(0, metadata.realtimeOffsetNs));
            };

            typealias integer {
            \tsize = 64; align = 8; signed = false;
            \tmap = clock.monotonic.value;
            } := uint64_clock_monotonic_t;

            struct packet_context {
            \tuint64_clock_monotonic_t timestamp_begin;
            \tuint64_clock_monotonic_t timestamp_end;
            \tuint64_t content_size;
            \tuint64_t packet_size;
            \tuint64_t packet_seq_num;
            \tuint64_t events_discarded;
            \tuint32_t cpu_id;
            };

            stream {
            \tid = 0;
            \tevent.header := struct {
            \t\tuint16_t id;
            \t\tuint64_clock_monotonic_t timestamp;
            \t} align(8);
            \tpacket.context := struct packet_context;
            \tevent.context := struct {

            """
        for field in eventContext { text += "\t\t\(field.declaration)\n" }
        text += "\t};\n};\n"
        for eventClass in classes {
            text +=
                "\nevent {\n\tname = \"\(escaped(eventClass.name))\";\n\tid = \(eventClass.id);\n\tstream_id = 0;\n\tfields := struct {\n"
            for field in eventClass.fields { text += "\t\t\(field.declaration)\n" }
            text += "\t};\n};\n"
        }
        return text
    }

    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }
}
