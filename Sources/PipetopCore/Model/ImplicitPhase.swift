extension Job {
    /// A command run by `pipetop run` gets a phase `run` that stands for all of it, so that a
    /// plain command has a phase to time and estimate. When the command reports phases of its
    /// own (through a client, with PIPETOP_JOB), that phase would stay behind empty: it is
    /// removed as soon as another phase has work, if nothing was counted in it. Returns the
    /// id of the phase removed.
    @discardableResult
    mutating func dropImplicitPhase(for active: String) -> String? {
        guard let i = phases.firstIndex(where: { $0.implicit == true }), phases[i].id != active else { return nil }
        let p = phases[i]
        guard p.accounted == 0, p.total == nil, p.steps.total == 0 else {
            phases[i].implicit = nil  // it has work of its own: an ordinary phase from now on
            return nil
        }
        phases.remove(at: i)
        return p.id
    }
}
