import PipetopCore

/// Which phase progress read from the output belongs to, for a run whose phases follow one
/// another (`--phases a,b,c`): the first starts with the command; a `phase.start` from the
/// command moves on to that phase (ending the one pipetop started for it, as done); after
/// the running phase ends, progress goes to the next declared phase that has not ended.
/// Without `--phases` the command starts in the implicit phase `run`, which gives way to the
/// command's own phases (the engine removes it while it is empty; see Job.dropImplicitPhase).
struct PhaseCursor {
    static let implicitPhase = "run"
    let declared: [String]
    /// The phase running on the command's behalf (nil: it ended).
    private(set) var current: String?
    private var ended: Set<String> = []
    /// Whether parsed progress went into the implicit phase (then it is a phase like any other).
    private var implicitUsed = false

    init(declared: [String]) {
        self.declared = declared
        current = declared.first ?? Self.implicitPhase
    }

    /// The event that starts the first phase with the command.
    static func firstPhase(declared: [String], job: String) -> Event {
        Event(job: job, .phaseStart(.init(phase: declared.first ?? implicitPhase, implicit: declared.isEmpty)))
    }

    private var isImplicit: Bool { declared.isEmpty && current == Self.implicitPhase }

    /// The command reported `event` about itself: the events pipetop sends before it, to
    /// keep the phases in sequence.
    mutating func observe(_ event: Event) -> [Event] {
        switch event.body {
        case .phaseStart(let s) where s.phase != current:
            var before: [Event] = []
            if let c = current, !ended.contains(c) {
                // An empty implicit phase is left to the engine, which removes it.
                if !isImplicit || implicitUsed { before.append(Event(job: event.job, .phaseEnd(.init(phase: c, status: .done)))) }
                ended.insert(c)
            }
            current = s.phase
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
    /// running yet; nil when no phase is left for it.
    mutating func phaseForProgress(job: String) -> (phase: String, start: [Event])? {
        if let c = current {
            if isImplicit { implicitUsed = true }
            return (c, [])
        }
        guard let next = declared.first(where: { !ended.contains($0) }) else { return nil }
        current = next
        return (next, [Event(job: job, .phaseStart(.init(phase: next)))])
    }
}
