import PipetopCore

/// The Board in the words of an older subscriber protocol, for a viewer that said it speaks
/// that one: such a viewer fails to decode a whole frame that holds a state it does not know
/// (and freezes while still saying live), so it is told what it knows instead.
public enum BoardForOlderViewers {
    /// Protocol 2 knows no `canceled` phase or step (protocol 3 added them): they read as
    /// `failed`, as engines of protocol 2 ended them, with the cancel said in the error or
    /// the step's detail; a phase's canceled steps count as failed.
    public static func board(_ board: Board, protocol v: Int) -> Board {
        guard v < 3 else { return board }
        var b = board
        for j in b.jobs.indices {
            for i in b.jobs[j].phases.indices {
                var p = b.jobs[j].phases[i]
                if p.state == .canceled {
                    p.state = .failed
                    p.error = p.error ?? "job canceled"
                }
                if let n = p.steps.canceled {
                    p.steps.failed += n
                    p.steps.canceled = nil
                }
                p.steps.items = p.steps.items.map { $0.map(step) }
                p.steps.recent = p.steps.recent.map(step)
                b.jobs[j].phases[i] = p
            }
        }
        return b
    }

    private static func step(_ s: Step) -> Step {
        guard s.state == .canceled else { return s }
        var s = s
        s.state = .failed
        // The engine's detail already says why ("still running when the job canceled").
        if s.detail == nil { s.detail = "canceled" }
        return s
    }
}
