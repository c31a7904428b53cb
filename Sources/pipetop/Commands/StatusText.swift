import PipetopCore
import PipetopWire

/// `pipetop status` as text: the verdict first with its reasons, then one line per part.
enum StatusText {
    static func text(_ h: EngineHealth) -> String {
        var out = "pipetop \(h.version): \(h.status.rawValue)\n"
        for r in h.reasons { out += "  \(r.status.rawValue): \(r.message)\n" }
        out += "  engine    pid \(h.pid), up \(Format.duration(h.uptimeS))" + (h.socket.map { ", socket \($0)" } ?? "") + "\n"
        let db = h.database
        if let path = db.path {
            out += "  database  \(path): " + (db.writable ? "writable" : "not writable") + ", \(events(db.backlog)) waiting to be written\n"
        } else {
            out += "  database  none (events are kept in memory only)\n"
        }
        if let s = h.sampler {
            out += "  sampler   every \(EngineHealth.seconds(s.intervalS)), last reading \(ago(s.lastSampleAgeS))\n"
        } else {
            out += "  sampler   off\n"
        }
        if h.notifiers.isEmpty {
            out += "  notify    no targets\n"
        }
        for t in h.notifiers {
            var line = "  notify    \(t.name): \(t.sent) sent, \(t.queued) queued"
            if t.failingInARow > 0 { line += ", last \(t.failingInARow) attempt\(t.failingInARow == 1 ? "" : "s") failed" }
            if t.givenUp > 0 { line += ", \(t.givenUp) given up" }
            if t.dropped > 0 { line += ", \(t.dropped) dropped" }
            if t.failingInARow > 0, let e = t.lastError { line += " (\(e))" }
            out += line + "\n"
        }
        out += "  viewers   \(h.viewers)\n"
        let order = EngineHealth.jobKeys
        let counts = order.compactMap { st in h.jobs[st].flatMap { $0 > 0 ? "\($0) \(st == "pending" ? "waiting" : st)" : nil } }
        out += "  jobs      " + (counts.isEmpty ? "none" : counts.joined(separator: ", ")) + "\n"
        if h.queue.waiting > 0 {
            out += "  queue     \(h.queue.waiting) waiting to run" + (h.queue.longestWaitS.map { ", the longest for \(Format.duration($0))" } ?? "") + "\n"
        }
        return out
    }

    static func events(_ n: Int) -> String { n == 1 ? "1 event" : "\(n) events" }

    static func ago(_ s: Double?) -> String {
        guard let s else { return "none yet" }
        return s < 1 ? "just now" : "\(Format.duration(s)) ago"
    }
}
