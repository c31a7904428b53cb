/// Several engines in one view (`pipetop attach web1 web2`): each host's jobs and alerts under
/// ids prefixed `HOST:`, so they never collide and an action finds its way back (`HostRoute`).
extension Board {
    public static let hostSeparator: Character = ":"

    /// One Board holding every host's jobs (names shown as `HOST: name`, label `host`) and
    /// alerts. The machine figures are the first host's; `at` is the newest.
    public static func merged(_ parts: [(host: String, board: Board)]) -> Board {
        var out = Board(at: parts.map(\.board.at).max() ?? 0)
        var alerts: [Alert] = []
        for (host, b) in parts {
            let prefix = host + String(hostSeparator)
            for var job in b.jobs {
                job.id = prefix + job.id
                job.name = host + ": " + job.name
                job.labels["host"] = host
                job.pipeline = host + ": " + job.pipeline
                out.jobs.append(job)
            }
            for var a in b.alerts {
                a.id = prefix + a.id
                a.job = prefix + a.job
                alerts.append(a)
            }
            out.unacknowledged += b.unacknowledged
            if out.host.last == nil { out.host = b.host }
        }
        out.alerts = alerts.sorted(by: Alert.listedBefore)  // across hosts
        return out
    }
}
