extension PipelineState {
    /// The state as the CLI's reports read it from a live engine (`{"type":"state"}`):
    /// without what only the engine uses (the rules' error trails, the estimates'
    /// calibration marks). The Board a report projects from it is the engine's.
    public var forCLI: PipelineState {
        var s = self
        s.estimates = estimates.forCLI
        return s
    }
}
