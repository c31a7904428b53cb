/// The engine's alerts: open ones by fingerprint, and a bounded history of resolved ones.
public struct AlertBook: Sendable, Codable, Equatable {
    public private(set) var all: [Alert] = []
    private var occurrences: [String: Int] = [:]
    public static let maxResolved = 500
    public static let maxAlerts = 2_000

    public init() {}

    /// Raises (or repeats) the alert for this cause.
    public mutating func raise(job: String, phase: String?, kind: String, severity: Alert.Severity, message: String,
                               labels: [String: String]? = nil, context: JSONValue? = nil, at t: Double) {
        let fp = Alert.fingerprint(job: job, phase: phase, kind: kind)
        if let i = all.lastIndex(where: { $0.isOpen && $0.fingerprint == fp }) {
            // Error lines that differ (a traceback's lines) are kept, not overwritten.
            if kind == "error-log" && all[i].message != message { addDetail(id: all[i].id, all[i].message, at: t) }
            all[i].count += 1
            all[i].lastAt = max(all[i].lastAt, t)
            all[i].message = message
            all[i].severity = max(all[i].severity, severity)
            if let context { all[i].context = context }
            return
        }
        // A bounded book: past the limit the oldest resolved alerts go first, then new
        // causes are folded into one "too many alerts" alert of the job.
        if all.count >= Self.maxAlerts && kind != "overflow" {
            trim(to: Self.maxAlerts - 1)
            if all.count >= Self.maxAlerts {
                raise(job: job, phase: nil, kind: "overflow", severity: .warning, message: "more than \(Self.maxAlerts) alerts; new causes are folded here", at: t)
                return
            }
        }
        let n = (occurrences[fp] ?? 0) + 1
        occurrences[fp] = n
        all.append(Alert(id: "\(fp)#\(n)", job: job, phase: phase, kind: kind, severity: severity, message: message,
                         firstAt: t, lastAt: t, count: 1, resolvedAt: nil, ack: nil, labels: labels?.isEmpty == false ? labels : nil))
        all[all.count - 1].context = context
    }

    /// Takes an alert as it is (merging hosts' views).
    mutating func adopt(_ a: Alert) { all.append(a) }

    /// Puts an alert back as it was recorded (the journal's `alert.record`): replaced by id, or
    /// added; its occurrence number is remembered so the next one of its cause counts on.
    mutating func record(_ a: Alert) {
        if let i = all.firstIndex(where: { $0.id == a.id }) { all[i] = a } else { all.append(a) }
        if let hash = a.id.lastIndex(of: "#"), let n = Int(a.id[a.id.index(after: hash)...]) {
            occurrences[a.fingerprint] = max(occurrences[a.fingerprint] ?? 0, n)
        }
    }

    /// Sets each open alert's silence (nil: not muted).
    mutating func mute(_ until: (Alert) -> Double?) {
        for i in all.indices where all[i].isOpen {
            let u = until(all[i])
            if all[i].silencedUntil != u { all[i].silencedUntil = u }
        }
    }

    /// Forgets resolved alerts (of one job, or all); returns how many.
    @discardableResult
    mutating func clearResolved(job: String? = nil) -> Int {
        let before = all.count
        all.removeAll { !$0.isOpen && (job == nil || $0.job == job) }
        return before - all.count
    }

    /// Resolves the open alerts of a job that match (all of its kinds when `kind` is nil).
    public mutating func resolve(job: String, phase: String? = nil, kind: String? = nil, at t: Double) {
        for i in all.indices where all[i].isOpen && all[i].job == job
            && (phase == nil || all[i].phase == phase) && (kind == nil || all[i].kind == kind) {
            all[i].resolvedAt = t
        }
        trim()
    }

    /// Adds a line to an alert's details (the oldest go past `Alert.maxDetails`).
    mutating func addDetail(id: String, _ line: String, at t: Double) {
        guard let i = all.firstIndex(where: { $0.id == id }) else { return }
        var d = all[i].details ?? []
        let text = line.utf8.count > Alert.maxDetailBytes ? String(line.prefix(Alert.maxDetailBytes)) + "…" : line
        if d.last == text { return }
        d.append(text)
        if d.count > Alert.maxDetails { d.removeFirst(d.count - Alert.maxDetails) }
        all[i].details = d
        all[i].lastAt = max(all[i].lastAt, t)
    }

    /// Folds the open alerts of a job that match `kinds` into the alert `id`: each becomes a
    /// line of its details and is resolved (so a notification that said "firing" also says
    /// "resolved"), no longer listed on its own.
    mutating func fold(job: String, kinds: Set<String>, into id: String, at t: Double) {
        for i in all.indices where all[i].isOpen && all[i].job == job && kinds.contains(all[i].kind) && all[i].id != id {
            let a = all[i]
            all[i].resolvedAt = t
            all[i].foldedInto = id
            let lines = (a.details ?? []) + [a.message]
            for (k, message) in lines.enumerated() {
                let line = a.kind == "error-log" ? Self.errorDetail(message, phase: a.phase) : message
                // Identical repeats are counted on the last line.
                let repeats = a.count - lines.count + 1
                addDetail(id: id, k == lines.count - 1 && repeats > 1 ? "\(line) (×\(repeats))" : line, at: a.lastAt)
            }
        }
    }

    /// A lost job's death, now a failure (the engine ended it after a restart, or a person
    /// did): one death, one alarm. The `lost` alert `lostID` is folded into the failure
    /// `failureID` as a line of its details, and an acknowledgement of it stays: the failure
    /// carries it (same who, when and comment), so nothing asks again for what was seen.
    mutating func foldDeath(_ lostID: String, into failureID: String, at t: Double) {
        guard let i = all.firstIndex(where: { $0.id == lostID }), let f = all.firstIndex(where: { $0.id == failureID }) else { return }
        let lost = all[i]
        if lost.isOpen { all[i].resolvedAt = t }
        all[i].foldedInto = failureID
        var line = "lost since \(Format.clock(lost.firstAt)) (\(lost.id))"
        if let ack = lost.ack {
            line += ", acknowledged by \(ack.by) at \(Format.clock(ack.at))"
            if all[f].ack == nil { all[f].ack = ack }
        }
        addDetail(id: failureID, line, at: lost.lastAt)
    }

    /// An error line as a failure's detail.
    static func errorDetail(_ message: String, phase: String?) -> String {
        "error" + (phase.map { " in \($0)" } ?? "") + ": " + message
    }

    /// A person clears one alert: resolved now and no longer listed. Only for an alert raised
    /// by an event and acknowledged (or already resolved): a rule's alert resolves by itself.
    mutating func clear(id: String, at t: Double) throws(ApplyError) {
        guard let i = all.firstIndex(where: { $0.id == id }) else { throw ApplyError("no alert '\(id)'") }
        let a = all[i]
        if a.isOpen {
            guard a.isEventDriven else {
                throw ApplyError("alert '\(id)' is raised by rule '\(a.ruleName)' and resolves by itself when its condition clears")
            }
            guard a.ack != nil else { throw ApplyError("alert '\(id)' is not acknowledged: acknowledge it first (a), then clear it") }
            all[i].resolvedAt = t
        }
        all[i].clearedAt = t
        trim()
    }

    /// Open alerts of a kind for a job (newest last).
    func open(job: String, kind: String) -> Alert? { all.last { $0.isOpen && $0.job == job && $0.kind == kind } }
    func open(job: String, phase: String?, kind: String) -> Alert? {
        all.last { $0.isOpen && $0.job == job && $0.phase == phase && $0.kind == kind }
    }

    /// Records an acknowledgement. Acknowledging again keeps the first one.
    public mutating func acknowledge(id: String, by: String, comment: String?, at t: Double) -> Bool {
        guard let i = all.firstIndex(where: { $0.id == id }) else { return false }
        if all[i].ack == nil { all[i].ack = Alert.Ack(by: by, at: t, comment: comment) }
        return true
    }

    public subscript(id: String) -> Alert? { all.first { $0.id == id } }

    /// Open alerts nobody acknowledged.
    public var unacknowledged: Int { all.reduce(0) { $0 + ($1.needsAttention ? 1 : 0) } }

    /// How a person wants them listed: open before resolved, unacknowledged before
    /// acknowledged, most severe first, newest first.
    public var sorted: [Alert] {
        all.filter(\.isListed).sorted(by: Alert.listedBefore)
    }

    private mutating func trim(to limit: Int? = nil) {
        let resolved = all.filter { !$0.isOpen }.count
        let keepResolved = limit.map { max(0, resolved - (all.count - $0)) } ?? Self.maxResolved
        guard resolved > keepResolved else { return }
        var drop = resolved - keepResolved
        all.removeAll { a in
            if drop > 0 && !a.isOpen { drop -= 1; return true }
            return false
        }
        // Occurrence counters of causes with no alert left are not needed any more.
        let live = Set(all.map(\.fingerprint))
        occurrences = occurrences.filter { live.contains($0.key) }
    }
}
