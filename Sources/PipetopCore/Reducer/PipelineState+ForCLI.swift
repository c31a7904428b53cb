extension PipelineState {
    /// The state as the CLI's reports read it from a live engine (`{"type":"state"}`):
    /// without what only the engine uses (the error-rate marks of alert rules, the estimate's
    /// calibration marks).
    public var forCLI: PipelineState {
        var s = self
        for (id, job) in jobs where job.errorTrail != nil || job.eta.map({ !$0.marks.isEmpty }) == true {
            var j = job
            j.errorTrail = nil
            j.eta?.marks = []
            s.jobs[id] = j
        }
        return s
    }
}
