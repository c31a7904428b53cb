/// What a person types to name a job: its id, or its name, meaning the newest run of that name
/// (names are what people remember; ids are often made up by a client: `make-4242`).
extension PipelineState {
    /// The id of the job `reference` names: a job with that id, else the newest-started job
    /// with that name; nil when neither exists.
    public func jobID(for reference: String) -> String? {
        if jobs[reference] != nil { return reference }
        var newest: Job?
        for job in jobs.values where job.name == reference {
            if let n = newest, (n.startedAt, n.id) >= (job.startedAt, job.id) { continue }
            newest = job
        }
        return newest?.id
    }

    /// Up to `limit` names and ids to suggest when `reference` names no job: those that contain
    /// it (ignoring case), else the newest jobs.
    public func jobSuggestions(for reference: String, limit: Int = 5) -> [String] {
        let needle = reference.lowercased()
        let byNewest = jobs.values.sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
        var seen = Set<String>(), out: [String] = []
        for job in byNewest {
            for candidate in [job.name, job.id] where !seen.contains(candidate) && candidate.lowercased().contains(needle) {
                seen.insert(candidate); out.append(candidate)
            }
        }
        if out.isEmpty { for job in byNewest where seen.insert(job.name).inserted { out.append(job.name) } }
        return Array(out.prefix(limit))
    }
}
