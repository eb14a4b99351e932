// The decoded-event model shared by every producer (the ftrace ring-buffer decoder, the CTF
// reader) and every consumer (`periscope trace dump`, the analyses).
//
// How producers fill it:
// 1. Before the first event, describe every event class the trace can contain as an
//    `EventClass` (name, system, id, fields) and collect them in an `EventClassTable`; a class's
//    `index` is its position in that table. Field names are stored without the leading `_` that
//    LTTng writes in TSDL. Context fields (CTF stream/event contexts, ftrace `common_*` fields)
//    are ordinary fields of the class with their `scope` saying where they came from, so one
//    CTF event id seen in two stream classes is two `EventClass`es.
// 2. For each event, decode its fields into a reused array of `EventFieldSlot`s (one per field
//    of the class, in the class's field order): integers and enumerations as their bit pattern in
//    `bits`, strings and byte/integer arrays as an (offset, length) span into a byte buffer that
//    the producer owns (the mapped packet or a reused scratch buffer). Nothing is allocated per
//    event.
// 3. Build an `EventRecord` over those slots (timestamp in nanoseconds on the trace clock, CPU,
//    class) and hand it to the consumer with `consume(_:)`. The record's pointers are valid only
//    for the duration of that call: consumers copy what they keep.
//
// Consumers resolve field indices once per class (`EventClass.fieldIndex(named:)`), keep them
// in a table indexed by `EventClass.index`, and read values by index on the hot path.
