import PipetopCore

extension Journal {
    /// What waits for the writer: the rows, in order, and the sequence number of the last
    /// event given (a row overwritten by a newer count keeps its own place and number).
    struct Queue {
        private(set) var rows: [Applied] = []
        private(set) var through: Int64 = 0
        private var runs = ProgressRuns()
        /// Bytes the rows hold (their `weight`).
        private(set) var bytes = 0

        /// Adds an applied progress event: a newer count takes the row of the one it
        /// supersedes (its counts, times and number change in place), or a new row.
        mutating func add(progress p: Event.Progress, of event: Event, seq: Int64, at: Double) {
            through = seq
            if let k = runs.place(job: event.job, p, next: rows.count) {
                rows[k].progress = p
                rows[k].entry.at = at
                rows[k].ts = event.ts
                rows[k].producerSeq = event.seq
                rows[k].spooled = event.spooled
            } else {
                let e = Applied(progress: p, of: event, seq: seq, at: at)
                bytes += e.weight
                rows.append(e)
            }
        }

        /// Adds an applied event (in the engine's order): a new row, or a newer count that
        /// takes the row of the one it supersedes.
        mutating func add(_ e: Applied) {
            through = e.entry.seq
            bytes += e.weight
            guard let progress = e.progress else {
                runs.end(job: e.entry.job)
                rows.append(e)
                return
            }
            if let k = runs.place(job: e.entry.job, progress, next: rows.count) {
                // The newer count takes the older one's row, number and place.
                bytes -= rows[k].weight
                let seq = rows[k].entry.seq
                rows[k] = e
                rows[k].entry.seq = seq
            } else {
                rows.append(e)
            }
        }

        /// Hands the rows to the writer (and with them, the sequence number they cover); what
        /// comes next starts new runs.
        mutating func take() -> (rows: [Applied], through: Int64) {
            defer { rows.removeAll(keepingCapacity: true); runs.removeAll(); bytes = 0 }
            return (rows, through)
        }

        /// Rows the writer could not write go back in front. Rows queued since keep their place
        /// after them; none is overwritten any more (their indices moved).
        mutating func putBack(_ unwritten: ArraySlice<Applied>, through covered: Int64) {
            rows.insert(contentsOf: unwritten, at: 0)
            bytes += unwritten.reduce(0) { $0 + $1.weight }
            through = max(through, covered)
            runs.removeAll()
        }
    }
}
