import PipetopCore

extension Board {
    /// The board as a screen cut off from its engine shows it: what was seen, with no
    /// estimate for the jobs that had not ended (an ETA would count down on a clock that
    /// stopped at the last update, for jobs nobody can see any more).
    var lastSeen: Board {
        var b = self
        for i in b.jobs.indices where !b.jobs[i].state.isTerminal {
            b.jobs[i].eta = nil
            for k in b.jobs[i].phases.indices { b.jobs[i].phases[k].finishAt = nil }
        }
        return b
    }
}
