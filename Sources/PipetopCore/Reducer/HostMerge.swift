/// Several engines in one view (`pipetop attach web1 web2`): each host's jobs and alerts under
/// ids prefixed `HOST:`, so they never collide and an action finds its way back (`HostRoute`).
extension PipelineState {
    public static let hostSeparator: Character = ":"

    /// One state holding every host's jobs (names shown as `HOST: name`, label `host`),
    /// alerts and history. The machine figures are the first host's.
    public static func merged(_ parts: [(host: String, state: PipelineState)]) -> PipelineState {
        var out = PipelineState()
        for (host, s) in parts {
            let prefix = host + String(hostSeparator)
            for id in s.order {
                guard var job = s.jobs[id] else { continue }
                job.id = prefix + id
                job.name = host + ": " + job.name
                job.labels["host"] = host
                if let p = job.labels["pipeline"] { job.labels["pipeline"] = host + ": " + p }
                out.jobs[job.id] = job
                out.order.append(job.id)
                out.estimates.jobs[job.id] = s.estimates.jobs[id]
            }
            for var a in s.alerts.all {
                a.id = prefix + a.id
                a.job = prefix + a.job
                out.alerts.adopt(a)
            }
            for (pipeline, runs) in s.history {
                // Keyed as the prefixed jobs will look them up (`RunSummary.pipeline(of:)`).
                out.history[host + ": " + pipeline] = runs
            }
            if out.host.last == nil { out.host = s.host }
        }
        out.reindexHistory()
        out.recountLiveJobs()
        return out
    }
}

/// Where an action on a merged view goes: the host, and the ids as that host knows them.
public enum HostRoute {
    /// Splits `HOST:rest`; nil when there is no host prefix.
    public static func split(_ id: String) -> (host: String, id: String)? {
        guard let i = id.firstIndex(of: PipelineState.hostSeparator) else { return nil }
        return (String(id[..<i]), String(id[id.index(after: i)...]))
    }

    /// The event as `host` should receive it, or nil when it is for another host. Events for
    /// every job (`*`) go to every host.
    public static func event(_ e: Event, for host: String) -> Event? {
        if e.job == Event.anyJob { return e }
        guard let (h, job) = split(e.job), h == host else { return nil }
        var out = e
        out.job = job
        if case .ack(var a) = e.body, let (_, alert) = split(a.alert) {
            a.alert = alert
            out.body = .ack(a)
        }
        return out
    }
}
