import PipetopCore

/// Which phase progress read from the output belongs to, for a run whose phases follow one
/// another (`--phases a,b,c`): the first starts with the command; a `phase.start` from the
/// command moves on to that phase (ending the one pipetop started for it, as done); after
/// the running phase ends, progress goes to the next declared phase that has not ended.
/// Without `--phases`, progress goes to an implicit phase `run`, made only when there is
/// progress for it: a command that reports its own phases leaves no empty phantom phase.
struct PhaseCursor {
    static let implicitPhase = "run"
    let declared: [String]
    /// The phase running on the command's behalf (nil: none yet, or it ended).
    private(set) var current: String?
    private var ended: Set<String> = []
    /// The command started a phase itself: it has its own, so `run` is never made.
    private var ownPhases = false

    init(declared: [String]) {
        self.declared = declared
        current = declared.first
    }

    /// The command reported `event` about itself: the events pipetop sends before it, to
    /// keep the phases in sequence.
    mutating func observe(_ event: Event) -> [Event] {
        switch event.body {
        case .phaseStart(let s) where s.phase == current:
            ownPhases = true
        case .phaseStart(let s):
            var before: [Event] = []
            if let c = current, !ended.contains(c) {
                before.append(Event(job: event.job, .phaseEnd(.init(phase: c, status: .done))))
                ended.insert(c)
            }
            current = s.phase
            ownPhases = true
            return before
        case .phaseEnd(let e):
            ended.insert(e.phase)
            if e.phase == current { current = nil }
        default:
            break
        }
        return []
    }

    /// The phase parsed progress goes to, and the events that start it first when it is not
    /// running yet; nil when every declared phase has ended.
    mutating func phaseForProgress(job: String) -> (phase: String, start: [Event])? {
        if let c = current { return (c, []) }
        let next = declared.isEmpty ? (ownPhases || ended.contains(Self.implicitPhase) ? nil : Self.implicitPhase)
            : declared.first { !ended.contains($0) }
        guard let phase = next else { return nil }
        current = phase
        return (phase, [Event(job: job, .phaseStart(.init(phase: phase)))])
    }
}
