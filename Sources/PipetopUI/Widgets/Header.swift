import PipetopCore

/// The top line: host, job counts, unacknowledged alerts (always visible), the clock.
struct Header: Widget {
    var model: DashboardModel
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        let m = model
        let y = r.y
        g.fill(Rect(x: r.x, y: y, width: r.width, height: 1), theme.header)
        var x = r.x + g.put(" pipetop ", x: r.x, y: y, style: theme.headerAccent)
        let jobs = m.board.jobs
        // A lost job (its process gone with no job.end) is not running, waiting or paused any
        // more: it is counted as lost, as its row says.
        let live = jobs.filter { !$0.isLost }
        let counts: [(String, Int)] = [
            ("running", live.filter { $0.state.isActive }.count),
            ("lost", jobs.count - live.count),
            // The queue's depth: jobs declared but waiting for a slot.
            ("waiting", live.filter { $0.state == .pending }.count),
            ("paused", live.filter { $0.state == .paused }.count),
            ("failed", jobs.filter { $0.state == .failed }.count),
            ("done", jobs.filter { $0.state == .completed }.count),
            ("canceled", jobs.filter { $0.state == .canceled }.count),
        ]
        let shownCounts = counts.filter { $0.1 > 0 }
        let parts = shownCounts.map { "\($0.1) \($0.0)" }
        // Where not all fit, the ones that need a person go last: a narrow terminal still
        // says "1 failed" when it has no room for "3 done".
        let dropOrder = ["canceled", "done", "paused", "waiting", "running", "failed", "lost"]
        // Which jobs the overview shows (`v`), when not all of them: kept whatever else goes.
        let shows = m.nav.show != .all ? "showing \(m.nav.show.label) \(glyphs.dot) " : ""
        let total = "\(jobs.count) job\(jobs.count == 1 ? "" : "s")"
        func summary(_ kept: ArraySlice<String>) -> String { shows + total + (kept.isEmpty ? "" : ": " + kept.joined(separator: ", ")) }
        let unacked = m.board.unacknowledged
        let alertText = unacked > 0 ? " \(glyphs.alertMark) \(unacked) alert\(unacked == 1 ? "" : "s") " : " no alerts "
        // Cut off from the engine the clock stops at its last update, and says so.
        var right = (m.disconnectedAt == nil ? " " : " as of ") + "\(Format.clock(m.now)) "
        if let h = m.board.host.last, r.width >= 100, m.disconnectedAt == nil {
            // "host": a job's cpu% counts cores (100% = one), the host's is of all of them.
            right = " host cpu \(Int(saturating: h.cpuPercent.rounded()))% mem \(Format.bytes(h.memUsed))/\(Format.bytes(h.memTotal))" + right
        }
        let alertX = r.maxX - TextWidth.columns(right) - TextWidth.columns(alertText)
        x += g.put(" \(m.host) \(glyphs.dot) ", x: x, y: y, style: theme.header, limit: alertX)
        // Whole words only: whole counts go, in `dropOrder`, never cut mid-word.
        let room = alertX - 1 - x
        var kept = parts[...]
        var names = shownCounts.map(\.0)
        var shown = summary(kept)
        while TextWidth.columns(shown) > room && !kept.isEmpty {
            let i = dropOrder.lazy.compactMap { names.firstIndex(of: $0) }.first ?? names.count - 1
            kept.remove(at: kept.startIndex + i)
            names.remove(at: i)
            shown = summary(kept)
        }
        if TextWidth.columns(shown) > room { shown = m.nav.show != .all ? "showing \(m.nav.show.label)" : total }
        if TextWidth.columns(shown) > room && m.nav.show != .all { shown = m.nav.show.label }
        if TextWidth.columns(shown) <= room { g.put(shown, x: x, y: y, style: theme.header) }
        g.put(alertText, x: alertX, y: y, style: unacked > 0 ? theme.error.with(.reverse) : theme.header)
        g.put(right, x: r.maxX - TextWidth.columns(right), y: y, style: theme.header)
    }
}
