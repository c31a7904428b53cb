import PipetopCore

/// The lines of a `PagerText`, read from the Board: multi-line messages (tracebacks) become
/// lines of their own. A pure function of the Board, as every view is.
enum PagerContent {
    /// The title and the lines, or nil when the text is gone (the job was forgotten).
    static func text(_ t: PagerText, in s: Board, now: Double) -> (title: String, lines: [String])? {
        switch t {
        case .log(let id):
            guard let j = s[job: id] else { return nil }
            var lines: [String] = []
            for l in j.logs {
                let head = "\(Format.clock(l.at)) \(l.level.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) " + (l.phase.map { $0 + " " } ?? "")
                let parts = l.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                lines.append(head + (parts.first ?? ""))
                let indent = String(repeating: " ", count: 9)
                for p in parts.dropFirst() { lines.append(indent + p) }
            }
            return ("log of \(j.name) (\(j.logs.count) line\(j.logs.count == 1 ? "" : "s") kept)", lines.isEmpty ? ["(nothing logged yet)"] : lines)
        case .alert(let id):
            guard let a = s.alerts.first(where: { $0.id == id }) else { return nil }
            let place = (s[job: a.job]?.name ?? a.job) + (a.phase.map { "/" + $0 } ?? "")
            var lines = a.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines.append("")
            if let d = a.details, !d.isEmpty {
                lines.append("details:")
                for item in d { lines += item.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 } }
                lines.append("")
            }
            lines.append("\(a.severity.rawValue), \(a.kind) · first \(Format.clock(a.firstAt)), last \(Format.clock(a.lastAt))" + (a.count > 1 ? ", \(a.count) times" : ""))
            if let r = a.resolvedAt { lines.append("resolved at \(Format.clock(r))") }
            if let ack = a.ack { lines.append("acknowledged by \(ack.by) at \(Format.clock(ack.at))" + (ack.comment.map { ": \($0)" } ?? "")) }
            if let until = a.silencedUntil, until > now { lines.append("silenced for \(Format.duration(until - now)) more") }
            if let l = a.labels, !l.isEmpty { lines.append("labels: " + l.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) }
            lines.append("id \(a.id) · Enter goes to \(place)")
            return ("alert on \(place)", lines)
        case .step(let jid, let pid, let sid):
            guard let j = s[job: jid], let p = j.phase(pid) else { return nil }
            let steps = (p.steps.items ?? []) + p.steps.recent
            guard let st = steps.first(where: { $0.id == sid }) else { return nil }
            var lines = ["\(st.state.rawValue) · started \(Format.clock(st.startedAt))" + (st.endedAt.map { " · ended \(Format.clock($0))" } ?? "")
                         + " · \(Format.duration(st.duration(now: now - j.skew)))", ""]
            lines += (st.detail ?? "(no detail)").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return ("\(j.name) / \(p.name) / \(st.id)", lines)
        }
    }
}
