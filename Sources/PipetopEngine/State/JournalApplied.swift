import PipetopCore
import PipetopStore
import PipetopWire

extension Journal {
    /// One applied event for the journal: its row and, for progress, the counts (with the
    /// event's own time and number). A progress row's line is left empty and written by the
    /// writer from them, only for the counts that are not merged away: the ingest path makes
    /// no string for it (that copy was a quarter of a connection's time), and copies the
    /// counts, not the whole event.
    struct Applied {
        var entry: Store.Entry
        var progress: Event.Progress?
        var ts: Double?
        var producerSeq: Int?
        /// Delivered from the spool: said in the row, so that a restart knows it too.
        var spooled = false

        init(entry: Store.Entry) {
            self.entry = entry
        }

        /// A progress event, whose line is written later.
        init(progress p: Event.Progress, of event: Event, seq: Int64, at: Double) {
            entry = Store.Entry(seq: seq, at: at, job: event.job, line: "", type: "progress")
            progress = p
            ts = event.ts
            producerSeq = event.seq
            spooled = event.spooled
        }

        /// The row as stored.
        var row: Store.Entry {
            guard entry.line.isEmpty, let progress else { return entry }
            var e = entry
            var event = Event(job: entry.job, ts: ts, seq: producerSeq, .progress(progress))
            event.spooled = spooled
            e.line = String(EventEncoder.line(event).dropLast())
            return e
        }

        /// Bytes it holds, for `maxBacklogBytes` (a line still to be written: about its size).
        var weight: Int { entry.line.isEmpty ? 96 : entry.line.utf8.count }
    }
}
