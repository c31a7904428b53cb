import PipetopCore

/// The top line: host, job counts, unacknowledged alerts (always visible), the clock.
enum Header {
    static func draw(into g: inout Grid, _ m: DashboardModel, glyphs: Glyphs, theme: Theme) {
        g.fill(Rect(x: 0, y: 0, width: g.width, height: 1), theme.header)
        var x = g.put(" pipetop ", x: 0, y: 0, style: theme.headerAccent)
        let jobs = Array(m.state.jobs.values)
        let counts: [(String, Int)] = [
            ("running", jobs.filter { $0.state.isActive || $0.state == .pending }.count),
            ("paused", jobs.filter { $0.state == .paused }.count),
            ("failed", jobs.filter { $0.state == .failed }.count),
            ("done", jobs.filter { $0.state == .completed }.count),
            ("canceled", jobs.filter { $0.state == .canceled }.count),
        ]
        let parts = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
        let summary = "\(jobs.count) job\(jobs.count == 1 ? "" : "s")" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
        let unacked = m.state.alerts.unacknowledged
        let alertText = unacked > 0 ? " \(glyphs.alertMark) \(unacked) alert\(unacked == 1 ? "" : "s") " : " no alerts "
        var right = " \(Format.clock(m.now)) "
        if let h = m.state.host.last, g.width >= 100 {
            right = " cpu \(Int(saturating: h.cpuPercent.rounded()))% mem \(Format.bytes(h.memUsed))/\(Format.bytes(h.memTotal))" + right
        }
        let alertX = g.width - TextWidth.columns(right) - TextWidth.columns(alertText)
        x += g.put(" \(m.host) \(glyphs.dot) ", x: x, y: 0, style: theme.header, limit: alertX)
        g.put(summary, x: x, y: 0, style: theme.header, limit: alertX - 1)
        g.put(alertText, x: alertX, y: 0, style: unacked > 0 ? theme.error.with(.reverse) : theme.header)
        g.put(right, x: g.width - TextWidth.columns(right), y: 0, style: theme.header)
    }
}
