import PipetopCore

/// Where the person is and what they selected; turns keys into moves and into events for
/// the engine (acknowledgements). Pure: it takes the state and returns effects, so every
/// key path is testable without a terminal.
public struct Navigator: Sendable, Equatable {
    public enum Screen: Sendable, Equatable {
        case overview
        case job(String)
        case phase(job: String, phase: String)
        case alerts
        /// A whole text in the pager (a log, an alert, a step's detail).
        case text(PagerText)
        /// The engines watched over ssh.
        case hosts
    }

    public enum Effect: Sendable, Equatable {
        case none
        case quit
        case send([Event])
        /// Signal a job's process (asked first).
        case signal(job: String, signal: String)
    }

    /// A question in the footer, answered with y or n.
    /// A question on the footer line: y/n, or one key per choice (silence durations).
    public struct Confirm: Sendable, Equatable {
        public var question: String
        public var onYes: [Event]
        /// When set, these keys answer instead of y/n.
        public var choices: [Character: [Event]] = [:]
        /// Keys that answer with a signal to this job's process instead (`K`).
        public var signals: [Character: String] = [:]
        public var signalJob: String?
    }

    /// Durations `s` offers, by key.
    public static let silenceChoices: [(Character, String, Double)] = [("1", "15m", 900), ("2", "1h", 3600), ("3", "4h", 14_400), ("4", "24h", 86_400)]

    public private(set) var stack: [Screen] = [.overview]
    /// Each list's selection and filter.
    public var lists: [ListKey: ListState] = [:]
    /// On the overview and job screens, Tab moves the cursor into the alerts pane.
    public var alertsFocused = false
    public var editingFilter = false
    public var helpShown = false { didSet { if !helpShown { helpScroll = 0 } } }
    /// Why the last key did nothing ("no alert to acknowledge here"), until the next key.
    public var hint: String?
    /// The overview's order (`o`, `O`) and which jobs it shows (`v`).
    public var sort = JobSort.attention
    public var sortReversed = false
    public var show = JobShow.all
    /// The finished jobs folded into one row are shown one by one (Enter on that row).
    public var unfoldFinished = false
    /// Where the pager is in the text it shows.
    public var pager = PagerState()
    /// Lines of the help scrolled past.
    public var helpScroll = 0
    public var confirm: Confirm?
    /// Who acknowledges (`user@host`).
    public var user: String

    public init(user: String) { self.user = user }

    public var screen: Screen { stack.last ?? .overview }

    public var context: Context {
        switch screen {
        case .overview: return .overview
        case .job: return .job
        case .phase: return .phase
        case .alerts: return .alerts
        case .text: return .text
        case .hosts: return .hosts
        }
    }

    /// The list the cursor and `/` act on here.
    public var listKey: ListKey {
        switch screen {
        case .overview: return alertsFocused ? .alertsPane : .jobs
        case .job(let j): return alertsFocused ? .alertsPane : .phases(job: j)
        case .phase(let j, let p): return .steps(job: j, phase: p)
        case .alerts: return .alerts
        case .text, .hosts: return .text
        }
    }

    public func list(_ key: ListKey) -> ListState { lists[key] ?? ListState() }

    /// The filter of the list shown here, nil when there is none.
    public var filter: String? { list(listKey).activeFilter }

    /// The job selected on the overview.
    public var selectedJob: String? {
        get { lists[.jobs]?.selectedID }
        set { lists[.jobs, default: ListState()].select(newValue) }
    }

    /// The alert list the cursor is in: the pane when it has the cursor, else the `!` screen's.
    var alertListKey: ListKey { alertsFocused ? .alertsPane : .alerts }

    /// The alert selected in that list.
    public var selectedAlert: String? {
        get { lists[alertListKey]?.selectedID }
        set { lists[alertListKey, default: ListState()].select(newValue) }
    }

    // MARK: what is selected, resolved against the current state

    public func job(in s: Board) -> BoardJob? {
        switch screen {
        case .job(let id), .phase(let id, _), .text(.log(let id)), .text(.step(let id, _, _)): return s[job: id]
        default:
            let jobs = self.jobs(in: s)
            // The folded row is no job: nothing acts on it but Enter, which opens it.
            return list(.jobs).index(in: jobs, id: \.id).map { jobs[$0] }.flatMap { $0.id == Lists.foldedID ? nil : $0 }
        }
    }

    public func phase(in s: Board) -> BoardPhase? {
        guard let job = job(in: s) else { return nil }
        if case .phase(_, let p) = screen { return job.phase(p) }
        let phases = Lists.phases(job, filter: list(.phases(job: job.id)).filter)
        let running = phases.firstIndex { $0.state == .running } ?? 0
        return list(.phases(job: job.id)).index(in: phases, id: \.id, fallback: running).map { phases[$0] }
    }

    /// The job and phase the screen shows in detail (their steps, timelines): nothing on the
    /// overview and the alert list; on a job's screen, the phase selected in it.
    public func focus(in s: Board) -> (job: String?, phase: String?) {
        switch screen {
        case .overview, .alerts, .hosts: return (nil, nil)
        case .job(let j): return (j, phase(in: s)?.id)
        case .phase(let j, let p), .text(.step(let j, let p, _)): return (j, p)
        case .text(.log(let j)): return (j, nil)
        case .text(.alert(let id)):
            let a = s.alerts.first { $0.id == id }
            return (a?.job, a?.phase)
        }
    }

    /// Alerts in the pane or list on this screen.
    public func alertScope(in s: Board) -> [Alert] {
        let f = list(alertListKey).filter
        switch screen {
        case .overview: return Lists.alerts(s, filter: f)
        case .job(let j): return Lists.alerts(s, job: j, filter: f)
        case .phase(let j, _): return Lists.alerts(s, job: j, filter: nil)
        case .alerts: return Lists.alerts(s, filter: list(.alerts).filter)
        case .text, .hosts: return []
        }
    }

    public func alert(in s: Board) -> Alert? {
        let alerts = alertScope(in: s)
        return list(alertListKey).index(in: alerts, id: \.id).map { alerts[$0] }
    }

    /// The selected step's row in the phase screen's list (after its filter).
    public func stepIndex(in s: Board) -> Int {
        guard case .phase(let j, let p) = screen, let phase = s[job: j]?.phase(p) else { return 0 }
        return list(.steps(job: j, phase: p)).index(in: Lists.steps(phase, filter: filter), id: \.id) ?? 0
    }

    // MARK: keys

    /// `tooSmall`: the terminal shows "terminal too small" and nothing else, so no key may
    /// act blindly (a `y` once acknowledged every alert behind it): only `q` quits.
    /// `width`: the screen's, for how far the help can scroll.
    public mutating func handle(_ key: Key, state s: Board, pageSize: Int, width: Int = 80, tooSmall: Bool = false) -> Effect {
        if tooSmall { return key == .char("q") ? .quit : .none }
        hint = nil
        if helpShown {
            // The movement keys scroll it (it may be taller than a side pane); any other closes it.
            let room = max(1, pageSize + 8 - 5)
            let last = max(0, HelpOverlay.lineCount(width: min(width - 2, 80), context: context, glyphs: .utf8) - room)
            switch KeyTable.action(for: key, in: .overview) {
            case .moveDown: helpScroll = min(last, helpScroll + 1)
            case .moveUp: helpScroll = max(0, helpScroll - 1)
            case .pageDown: helpScroll = min(last, helpScroll + room)
            case .pageUp: helpScroll = max(0, helpScroll - room)
            case .top: helpScroll = 0
            case .bottom: helpScroll = last
            default: helpShown = false
            }
            return .none
        }
        if let c = confirm {
            confirm = nil
            if let j = c.signalJob {
                if case .char(let ch) = key, let sig = c.signals[ch] { return .signal(job: j, signal: sig) }
                return .none
            }
            if !c.choices.isEmpty {
                if case .char(let ch) = key, let events = c.choices[ch] { return .send(events) }
                return .none
            }
            return key == .char("y") || key == .char("Y") ? .send(c.onYes) : .none
        }
        if editingFilter {
            let effect = editFilter(key)
            // A search typed in the pager jumps to its first match after the top line.
            if key == .enter, case .text(let t) = screen, list(.text).activeFilter != nil { _ = pagerKey(.nextFailed, t, s, pageSize: pageSize, width: width) }
            return effect
        }
        if alertsFocused && key == .escape {
            alertsFocused = false
            return .none
        }
        if key == .escape, let f = lists[listKey]?.filter, !f.isEmpty {
            lists[listKey]?.filter = nil  // Esc clears a kept filter before it goes back
            return .none
        }
        guard let action = KeyTable.action(for: key, in: context) else { return .none }
        if case .text(let t) = screen, let effect = pagerKey(action, t, s, pageSize: pageSize, width: width) { return effect }
        switch action {
        case .quit:
            if stack.count == 1 && !alertsFocused { return .quit }
            back()
        case .back: back()
        case .help: helpShown = true
        case .filter:
            // A new filter each time (the kept one is shown in the footer; Esc clears it).
            editingFilter = true
            lists[listKey, default: ListState()].filter = ""
        case .moveUp: move(by: -1, s)
        case .moveDown: move(by: 1, s)
        case .pageUp: move(by: -max(1, pageSize), s)
        case .pageDown: move(by: max(1, pageSize), s)
        case .top: move(by: Int.min / 2, s)
        case .bottom: move(by: Int.max / 2, s)
        case .drill: drill(s)
        case .alerts:
            // The alert selected in the pane stays selected on the full screen.
            if alertsFocused, let id = selectedAlert { lists[.alerts, default: ListState()].select(id) }
            alertsFocused = false
            if screen != .alerts { stack.append(.alerts) }
        case .focusAlerts:
            alertsFocused.toggle()
        case .sortNext:
            sort = sort.next
            sortReversed = false
        case .sortReverse: sortReversed.toggle()
        case .showNext:
            show = show.next
            unfoldFinished = false
        case .openLog:
            guard let j = job(in: s) else { return nothing("no job selected") }
            open(.log(job: j.id), follow: true)
        case .follow: break
        case .hosts: if screen != .hosts { stack.append(.hosts) }
        case .forgetJob:
            guard let j = job(in: s) else { return nothing("no job selected") }
            guard j.state.isTerminal else { return nothing("\(j.name) is \(j.state.rawValue): only a finished job can be forgotten (E ends one)") }
            confirm = Confirm(question: "Forget \(j.name) (run \(j.run))? It leaves the list with its alerts; its past runs stay. (y/n)",
                              onYes: [Event(job: j.id, .forgetJob)])
            if case .job = screen { stack = [.overview] }
        case .signalJob:
            guard let j = job(in: s) else { return nothing("no job selected") }
            guard !j.state.isTerminal else { return nothing("\(j.name) has ended: no process to signal") }
            let whose = j.pid.map { "its process (pid \($0))" } ?? "its process"
            confirm = Confirm(question: "Signal \(j.name): \(whose)  1 TERM  2 INT  3 KILL (its whole tree)  (other key: no)", onYes: [],
                              signals: ["1": "TERM", "2": "INT", "3": "KILL"], signalJob: j.id)
        case .endJob:
            // For a job whose process died without a word: the engine only calls it lost.
            guard let j = job(in: s) else { return nothing("no job selected") }
            guard !j.state.isTerminal else { return nothing("\(j.name) has ended already") }
            let why = "ended from the dashboard by \(user)"
            confirm = Confirm(question: "End \(j.name) (run \(j.run)) as  f failed  c canceled?  Its own next report reopens it.  (other key: no)",
                              onYes: [], choices: ["f": [Event(job: j.id, .jobEnd(.init(status: .failed, error: why)))],
                                                   "c": [Event(job: j.id, .jobEnd(.init(status: .canceled, error: why)))]])
        case .nextFailed: jumpToFailed(forward: true, s)
        case .previousFailed: jumpToFailed(forward: false, s)
        case .acknowledge:
            guard let a = ackTarget(s) else { return nothing("no alert here needs acknowledging") }
            // The acknowledged alert moves down the list; the cursor stays on it (so `x` next clears it).
            if screen == .alerts || alertsFocused { selectedAlert = a.id }
            return .send([Event(job: a.job, .ack(.init(alert: a.id, by: user)))])
        case .acknowledgeAll:
            let open = alertScope(in: s).filter(\.needsAttention)
            guard !open.isEmpty else { return nothing("no alert shown needs acknowledging") }
            confirm = Confirm(question: "Acknowledge \(open.count) alert\(open.count == 1 ? "" : "s")? (y/n)",
                              onYes: open.map { Event(job: $0.job, .ack(.init(alert: $0.id, by: user))) })
        case .silence:
            // The selected alert's rule, for its job (an alert about the host or pipetop itself
            // is silenced for every job).
            guard let a = silenceTarget(s) else { return nothing("no alert here to silence") }
            let target = s[job: a.job] != nil ? a.job : Event.anyJob
            var choices: [Character: [Event]] = [:]
            for (k, _, seconds) in Self.silenceChoices {
                choices[k] = [Event(job: target, .silence(.init(rule: a.ruleName, seconds: seconds, by: user)))]
            }
            let options = Self.silenceChoices.map { "\($0.0) \($0.1)" }.joined(separator: "  ")
            confirm = Confirm(question: "Silence \(a.ruleName)\(target == Event.anyJob ? "" : " for \(s[job: target]?.name ?? target)"): \(options)  (other key: no)",
                              onYes: [], choices: choices)
        case .clearResolved:
            // The selected alert, once acknowledged (a failure, an error, a job's own alert:
            // a rule's alert resolves by itself), is cleared.
            if screen == .alerts || alertsFocused, let a = alert(in: s), a.isOpen {
                if a.ack == nil { return nothing("acknowledge it first (a), then x clears it") }
                return a.isEventDriven ? .send([Event(job: a.job, .clearAlerts(a.id))]) : nothing("a rule's alert clears itself when its condition ends")
            }
            // Else resolved alerts go: all of them on the alerts screen; elsewhere the
            // selected job's, with its acknowledged failure.
            if screen == .alerts {
                guard s.alerts.contains(where: { !$0.isOpen }) else { return nothing("nothing resolved to clear") }
                return .send([Event(job: Event.anyJob, .clearAlerts(nil))])
            }
            guard let j = job(in: s) else { return nothing("no job selected") }
            let mine = Lists.alerts(s, job: j.id, filter: nil)
            let acked = mine.filter { $0.isOpen && $0.ack != nil && $0.isEventDriven }
            guard !acked.isEmpty || mine.contains(where: { !$0.isOpen }) else {
                return nothing(mine.contains(where: \.isOpen) ? "acknowledge its alerts first (a), then x clears them" : "nothing resolved to clear")
            }
            return .send([Event(job: j.id, .clearAlerts(nil))] + acked.map { Event(job: $0.job, .clearAlerts($0.id)) })
        }
        return .none
    }

    /// Opens a text in the pager, at its start (a log: at its end, following).
    private mutating func open(_ t: PagerText, follow: Bool = false) {
        alertsFocused = false
        pager = PagerState(follow: follow)
        lists[.text] = nil
        stack.append(.text(t))
    }

    /// The pager's keys: scrolling through the wrapped lines, search, follow, Enter to an
    /// alert's place. nil: the key's usual meaning (back, help, quit).
    private mutating func pagerKey(_ action: Action, _ t: PagerText, _ s: Board, pageSize: Int, width: Int) -> Effect? {
        let rows = max(1, pageSize + 5)
        let lines = PagerView.wrapped(t, in: DashboardModel(board: s, now: s.at, host: "", socket: ""), width: width - 2).lines
        let last = max(0, lines.count - rows)
        var top = PagerView.top(pager, lines: lines.count, rows: rows)
        func matches(from start: Int, forward: Bool) -> Int? {
            guard let n = list(.text).activeFilter?.lowercased(), !n.isEmpty, !lines.isEmpty else { return nil }
            for k in 1...lines.count {
                let i = ((forward ? start + k : start - k) % lines.count + lines.count) % lines.count
                if lines[i].lowercased().contains(n) { return i }
            }
            return nil
        }
        switch action {
        case .moveUp: top -= 1
        case .moveDown: top += 1
        case .pageUp: top -= rows
        case .pageDown: top += rows
        case .top: top = 0
        case .bottom: top = last
        case .follow:
            pager.follow.toggle()
            if !pager.follow { pager.top = last }
            return Effect.none
        case .nextFailed, .previousFailed:
            guard let search = list(.text).activeFilter, !search.isEmpty else { return nothing("no search: / starts one") }
            guard let i = matches(from: top, forward: action == .nextFailed) else { return nothing("no line matches \(search)") }
            top = i
        case .drill:
            guard case .alert(let id) = t, let a = s.alerts.first(where: { $0.id == id }), s[job: a.job] != nil else {
                return nothing("Enter goes to an alert's job from its text; here there is nowhere further")
            }
            selectedJob = a.job
            stack = [.overview, .job(a.job)]
            if let p = a.phase, s[job: a.job]?.phase(p) != nil {
                lists[.phases(job: a.job), default: ListState()].select(p)
                stack.append(.phase(job: a.job, phase: p))
            }
            return Effect.none
        default: return nil
        }
        pager.follow = false
        pager.top = max(0, min(last, top))
        return Effect.none
    }

    /// The overview's jobs as listed: shown, filtered and sorted as the person chose.
    public func jobs(in s: Board) -> [BoardJob] {
        Lists.overview(s, filter: list(.jobs).filter, show: show, sort: sort, reversed: sortReversed, unfold: unfoldFinished)
    }

    /// The mouse, given what was drawn where it acted (`Grid.target(at:)` of the frame on screen):
    /// a click selects a row (or presses a footer key), a double click opens it, the wheel
    /// moves three rows (or scrolls the help and texts).
    public mutating func handleMouse(_ e: MouseEvent, on target: ClickTarget.Target?, state s: Board, pageSize: Int, width: Int = 80) -> Effect {
        switch e.kind {
        case .wheelUp, .wheelDown:
            var effect = Effect.none
            for _ in 0..<3 { effect = handle(e.kind == .wheelUp ? .up : .down, state: s, pageSize: pageSize, width: width) }
            return effect
        case .click, .doubleClick:
            if helpShown || confirm != nil || editingFilter {
                // As a key would: a click answers nothing and closes the help.
                return handle(.char("\u{0}"), state: s, pageSize: pageSize, width: width)
            }
            guard let target else { return .none }
            hint = nil
            switch target {
            case .key(let k): return handle(k, state: s, pageSize: pageSize, width: width)
            case .job(let id):
                guard screen == .overview else { return .none }
                alertsFocused = false
                lists[.jobs, default: ListState()].select(id)
            case .phase(let j, let p):
                guard screen == .job(j) else { return .none }
                alertsFocused = false
                lists[.phases(job: j), default: ListState()].select(p)
            case .step(let j, let p, let id):
                guard screen == .phase(job: j, phase: p) else { return .none }
                lists[.steps(job: j, phase: p), default: ListState()].select(id)
            case .alert(let id):
                if screen != .alerts { alertsFocused = true }
                lists[alertListKey, default: ListState()].select(id)
            }
            return e.kind == .doubleClick ? handle(.enter, state: s, pageSize: pageSize, width: width) : .none
        }
    }

    /// A key that cannot act here: says why, and does nothing.
    private mutating func nothing(_ why: String) -> Effect {
        hint = why
        return .none
    }

    private mutating func editFilter(_ key: Key) -> Effect {
        var text = list(listKey).filter ?? ""
        switch key {
        case .enter: editingFilter = false
        case .escape:
            editingFilter = false
            text = ""
        case .backspace: if !text.isEmpty { text.removeLast() }
        case .char(let c): text.append(c)
        default: break
        }
        lists[listKey, default: ListState()].filter = text
        return .none
    }

    private mutating func back() {
        if alertsFocused { alertsFocused = false; return }
        if stack.count > 1 { stack.removeLast() }
    }

    /// The alert `s` silences: the selected one in an alerts list, else the newest open alert
    /// of the selected job (acknowledged ones included: silencing is about the future).
    func silenceTarget(_ s: Board) -> Alert? {
        if screen == .alerts || alertsFocused { return alert(in: s) }
        if let a = ackTarget(s) { return a }
        guard let job = job(in: s) else { return nil }
        return Lists.alerts(s, job: job.id, filter: nil).first { $0.isOpen }
    }

    /// The alert `a` acts on: the selected one in an alerts list or pane; elsewhere the
    /// newest unacknowledged alert of the selected phase, else of the selected job.
    func ackTarget(_ s: Board) -> Alert? {
        if screen == .alerts || alertsFocused { return alert(in: s) }
        if case .text(.alert(let id)) = screen { return s.alerts.first { $0.id == id && $0.needsAttention } }
        guard let job = job(in: s) else { return nil }
        let open = Lists.alerts(s, job: job.id, filter: nil).filter(\.needsAttention)
        if context != .overview, let p = phase(in: s), let a = open.first(where: { $0.phase == p.id }) { return a }
        return open.first
    }

    private mutating func drill(_ s: Board) {
        if screen == .alerts || alertsFocused {
            // Its whole text first; Enter there goes on to its job and phase.
            guard let a = alert(in: s) else { hint = "no alert selected"; return }
            open(.alert(a.id))
            return
        }
        if case .phase(let j, let p) = screen {
            guard let phase = s[job: j]?.phase(p) else { return }
            let steps = Lists.steps(phase, filter: filter)
            guard !steps.isEmpty else { hint = "no step to open"; return }
            open(.step(job: j, phase: p, step: steps[min(stepIndex(in: s), steps.count - 1)].id))
            return
        }
        switch screen {
        case .overview:
            if list(.jobs).selectedID == Lists.foldedID {
                unfoldFinished = true
                return
            }
            guard let j = job(in: s) else { return }
            selectedJob = j.id
            stack.append(.job(j.id))
        case .job(let j):
            guard let p = phase(in: s) else { return }
            lists[.phases(job: j), default: ListState()].select(p.id)
            stack.append(.phase(job: j, phase: p.id))
        default:
            break
        }
    }

    private mutating func move(by delta: Int, _ s: Board) {
        if screen == .alerts || alertsFocused {
            lists[alertListKey, default: ListState()].move(by: delta, in: alertScope(in: s), id: \.id)
            return
        }
        switch screen {
        case .overview:
            lists[.jobs, default: ListState()].move(by: delta, in: jobs(in: s), id: \.id)
        case .job(let j):
            guard let job = s[job: j] else { return }
            let phases = Lists.phases(job, filter: filter)
            let running = phases.firstIndex { $0.state == .running } ?? 0
            lists[.phases(job: j), default: ListState()].move(by: delta, in: phases, id: \.id, fallback: running)
        case .phase(let j, let p):
            guard let phase = s[job: j]?.phase(p) else { return }
            lists[.steps(job: j, phase: p), default: ListState()].move(by: delta, in: Lists.steps(phase, filter: filter), id: \.id)
        case .alerts, .text, .hosts:
            break
        }
    }

    private mutating func jumpToFailed(forward: Bool, _ s: Board) {
        guard case .phase(let j, let p) = screen, let phase = s[job: j]?.phase(p) else { return }
        let steps = Lists.steps(phase, filter: filter)
        guard !steps.isEmpty else { hint = "no steps in this phase"; return }
        let current = stepIndex(in: s)
        let n = steps.count
        for k in 1...n {
            let i = ((forward ? current + k : current - k) % n + n) % n
            if steps[i].state == .failed {
                lists[.steps(job: j, phase: p), default: ListState()].select(steps[i].id, at: i)
                return
            }
        }
        hint = "no failed step in this phase" + (phase.steps.items?.count ?? 0 < phase.steps.total ? " among the steps kept" : "")
    }
}
