/// What changed between two states, job by job: what the engine sends a remote viewer after
/// the first snapshot, so a busy job costs the link its own record, not everyone's.
public struct StateDelta: Sendable, Codable, Equatable {
    /// Jobs added or changed, whole.
    public var jobs: [Job] = []
    /// Jobs gone.
    public var removed: [String] = []
    /// The job order, when it changed.
    public var order: [String]?
    public var alerts: AlertBook?
    public var history: [String: [RunSummary]]?
    public var host: HostResources?
    public var alertRules: AlertRules?

    public init() {}

    public var isEmpty: Bool {
        jobs.isEmpty && removed.isEmpty && order == nil && alerts == nil && history == nil && host == nil && alertRules == nil
    }
}

extension PipelineState {
    /// The state as viewers get it (see `Job.forViewers`); `keepingCheckpointData` for the
    /// viewers that ask for it (`report`).
    public func forViewers(keepingCheckpointData: Bool = false) -> PipelineState {
        var s = self
        for (id, job) in jobs where job.errorTrail != nil || job.eta.map({ !$0.marks.isEmpty }) == true
            || (!keepingCheckpointData && job.checkpoints.contains { $0.data != nil }) {
            var j = job.forViewers
            if keepingCheckpointData { j.checkpoints = job.checkpoints }
            s.jobs[id] = j
        }
        return s
    }

    /// What a viewer needs to go from `old` to this state: `delta(from:)` in the viewers'
    /// form, without jobs whose only change is the engine's own marks. Only the changed jobs
    /// are looked at, so an idle job costs a frame nothing.
    public func viewerDelta(from old: PipelineState) -> StateDelta {
        var d = delta(from: old)
        d.jobs = d.jobs.compactMap { job in
            let seen = job.forViewers
            return old.jobs[job.id].map(\.forViewers) == seen ? nil : seen
        }
        return d
    }

    /// The changes that turn `old` into this state.
    public func delta(from old: PipelineState) -> StateDelta {
        var d = StateDelta()
        for id in order { if let j = jobs[id], old.jobs[id] != j { d.jobs.append(j) } }
        d.removed = old.order.filter { jobs[$0] == nil }
        if order != old.order { d.order = order }
        if alerts != old.alerts { d.alerts = alerts }
        if history != old.history { d.history = history }
        if host != old.host { d.host = host }
        if alertRules != old.alertRules { d.alertRules = alertRules }
        return d
    }

    /// This state with `d` applied (what a viewer does with each delta).
    public mutating func apply(_ d: StateDelta) {
        for j in d.jobs {
            if jobs[j.id] == nil && d.order == nil { order.append(j.id) }
            jobs[j.id] = j
        }
        for id in d.removed { jobs[id] = nil }
        if let o = d.order { order = o } else if !d.removed.isEmpty { order.removeAll { jobs[$0] == nil } }
        if let a = d.alerts { alerts = a }
        if let h = d.history { history = h; reindexHistory() }
        if let h = d.host { host = h }
        if let r = d.alertRules { alertRules = r }
        if !d.jobs.isEmpty || !d.removed.isEmpty { recountLiveJobs() }
    }
}

extension Job {
    /// This job as viewers get it: without what only the engine uses (the error-rate marks of
    /// alert rules, the estimate's calibration marks), about a third of a busy job's bytes on
    /// the wire, decoded by every viewer on every frame.
    public var forViewers: Job {
        var j = self
        j.errorTrail = nil
        j.eta?.marks = []
        // A checkpoint's data goes to whoever asks for it (`resume`, `report`), not in every
        // snapshot: 400 checkpoints of 60 KB made 100 viewers that did not read cost 2.4 GB.
        if j.checkpoints.contains(where: { $0.data != nil }) {
            for i in j.checkpoints.indices { j.checkpoints[i].data = nil }
        }
        return j
    }
}
