import ArgumentParser
import Foundation
import PipetopClient
import PipetopCore
import PipetopWire

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List the alerts: open ones (with --all, resolved ones too), and the silences.",
        discussion: """
        Reads the running engine (else the database: then it says first that it is as of the last event recorded, and --since counts back from that event). Open alerts first, unacknowledged before acknowledged, most severe first. docs/ALERTS.md explains the rules behind them.

        Examples:
          pipetop alerts
          pipetop alerts --all --json | jq '.alerts[] | {job, phase, message}'
          pipetop alerts --all --severity critical --since 24h --limit 20
          pipetop alerts --job "nightly import"
        """)

    @Flag(name: .long, help: "Resolved alerts too.")
    var all = false

    @Option(name: .long, help: ArgumentHelp("Only alerts this severe or more.", valueName: "info|warning|critical"))
    var severity: String?

    @Option(name: .long, help: "Only this job's alerts (its id or name; a pipeline's name for a run that did not start).")
    var job: String?

    @Option(name: .long, help: ArgumentHelp("Only alerts seen in this last while: 90s, 30m, 2h, 1d (read from the database with no engine: before its last event).", valueName: "duration"))
    var since: String?

    @Option(name: .long, help: "At most this many alerts (the first as listed).")
    var limit: Int?

    @Flag(name: .long, help: "JSON instead of text.")
    var json = false

    @OptionGroup var socketOptions: SocketOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let s = severity, Alert.Severity(rawValue: s) == nil { throw ValidationError("--severity takes info, warning or critical, not '\(s)'") }
        if let s = since, DurationText.seconds(s) == nil { throw ValidationError("--since takes a duration like 90s, 30m, 2h or 1d") }
        if let l = limit, l < 1 { throw ValidationError("--limit takes a number of alerts, 1 or more") }
    }

    func run() throws {
        let read = try StateReader.readWithSource(socket: socketOptions.resolved, db: database.path, command: "alerts",
                                                  preferDatabase: database.db != nil)
        let state = read.state
        // From the file: as of its last event (a job's or an alert's), said first; --since and
        // the silences in force are reckoned from then, not from a clock the file never saw.
        let source = ReportSource.of(fromDatabase: read.fromDatabase, state: state, path: database.path,
                                     socket: socketOptions.resolved, askedForFile: database.db != nil, alerts: true)
        let now = source.time(now: read.now)
        source.announce("alerts", now: read.now, toStderr: json)
        let least = severity.flatMap(Alert.Severity.init(rawValue:)) ?? .info
        let after = since.flatMap(DurationText.seconds).map { now - $0 }
        // A job's name means its id; a name no job has may be a pipeline's (not-started).
        let jobID = try job.map { name in
            state.jobs[name] != nil || !state.alerts.all.contains(where: { $0.job == name }) ? try JobArgument.id(name, in: state, command: "alerts") : name
        }
        var alerts = state.alerts.sorted.filter { a in
            (all || a.isOpen) && a.severity >= least && jobID.map { a.job == $0 } ?? true && after.map { a.lastAt >= $0 } ?? true
        }
        if let limit, alerts.count > limit { alerts = Array(alerts.prefix(limit)) }
        if json {
            let out: JSONValue = .object([
                ("alerts", .array(alerts.map { a in
                    var m: [(String, JSONValue)] = []
                    if case .object(let fields) = Report.alert(a) { m = fields }
                    // Whose alert: an id alone is ambiguous (job ids may hold '/').
                    m.insert(("job", .string(a.job)), at: 1)
                    m.insert(("job_name", state.jobs[a.job].map { .string($0.name) } ?? .null), at: 2)
                    m.append(("rule", .string(a.ruleName)))
                    m.append(("silenced_until", a.silencedUntil.map { .string(Report.iso($0)) } ?? .null))
                    m.append(("labels", .object((a.labels ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
                    m.append(("context", a.context ?? .null))
                    return .object(m)
                })),
                ("pending", .array(Self.pending(state).filter { p in jobID.map { p.job == $0 } ?? true }.map { p in
                    .object([("rule", .string(p.rule)), ("job", .string(p.job)), ("phase", p.phase.map(JSONValue.string) ?? .null),
                             ("since", .string(Report.iso(p.since))), ("for_s", .double(p.after))])
                })),
                ("silences", .array(Self.silences(state, now: now, job: jobID).map { s in
                    .object([("id", .string(s.id)), ("rule", s.rule.map(JSONValue.string) ?? .null), ("job", s.job.map(JSONValue.string) ?? .null),
                             ("match", .object(s.match.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                             ("until", .string(Report.iso(s.until))), ("by", .string(s.by)), ("comment", s.comment.map(JSONValue.string) ?? .null)])
                })),
            ])
            Swift.print(JSONWriter.string(out))
            return
        }
        let filtered = severity != nil || job != nil || since != nil
        if alerts.isEmpty { print((all ? "no alerts" : "no open alerts") + (filtered ? " that match" : "")) }
        for a in alerts {
            var line = "\(a.severity.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)) \(a.id)  \(a.message)"
            if a.count > 1 { line += " (x\(a.count))" }
            var notes: [String] = []
            if let r = a.resolvedAt { notes.append("resolved \(Format.clock(r))") }
            if let ack = a.ack { notes.append("acknowledged by \(ack.by)" + (ack.comment.map { ": \($0)" } ?? "")) }
            if let s = a.silencedUntil { notes.append("silenced until \(Format.clock(s))") }
            notes.append("since \(Format.clock(a.firstAt))")
            print(line + "  [" + notes.joined(separator: ", ") + "]")
            if case .object(let facts)? = a.context {
                print("         context: " + facts.map { "\($0.0)=\(Self.plain($0.1))" }.joined(separator: " "))
            }
            // One failure, one alert: its failed phases and error lines under it.
            for d in a.details ?? [] { print("         | \(d)") }
        }
        for p in Self.pending(state) where jobID.map({ p.job == $0 }) ?? true {
            print("pending  \(p.rule) for \(p.job)\(p.phase.map { "/" + $0 } ?? "") since \(Format.clock(p.since)) (fires after \(Format.duration(p.after)))")
        }
        for s in Self.silences(state, now: now, job: jobID) {
            let what = [s.rule.map { "rule \($0)" }, s.job.map { "job \($0)" },
                        s.match.isEmpty ? nil : s.match.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")]
                .compactMap { $0 }.joined(separator: " ")
            print("silence \(s.id): \(what) until \(Format.clock(s.until)) by \(s.by)" + (s.comment.map { ": \($0)" } ?? ""))
        }
    }
}

extension AlertsCommand {
    /// A context value as text: strings without quotes, the rest as JSON (printed terminal-safe).
    static func plain(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return JSONWriter.string(v)
    }

    /// The silences in force; with a job, only those that can mute its alerts (for it, or for
    /// any job whose labels it has).
    static func silences(_ state: PipelineState, now: Double, job: String?) -> [Silence] {
        state.alertRules.silences.filter { s in
            guard s.until > now else { return false }
            guard let job else { return true }
            if let only = s.job, only != job { return false }
            let labels = state.jobs[job]?.labels ?? [:]
            return s.match.allSatisfy { labels[$0.key] == $0.value }
        }
    }

    /// Rule conditions that hold but have not yet held for their `for`.
    static func pending(_ state: PipelineState) -> [(rule: String, job: String, phase: String?, since: Double, after: Double)] {
        state.alertRules.states.compactMap { key, st in
            guard let since = st.pendingSince else { return nil }
            guard let rule = state.alertRules.rules.first(where: { $0.name == key.rule }) else { return nil }
            return (key.rule, key.job, key.phase, since, rule.forSeconds)
        }.sorted { $0.since < $1.since }
    }
}

struct AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge an alert: it stops asking for attention (and being re-sent) until it resolves.",
        discussion: """
        Takes an alert's id, or a job (id or name: its newest run) to acknowledge every open alert of that job.

        Examples:
          pipetop ack 'import-42/fetch/rule:stalled#1' --comment "API down, on it"
          pipetop ack nightly-import
        """)

    @Argument(help: "The alert's id (from `pipetop alerts`), or a job's id or name.")
    var id: String

    @Option(name: .long, help: "Why, or what is being done.")
    var comment: String?

    @OptionGroup var socketOptions: SocketOptions

    func run() throws {
        let (state, _) = try StateReader.read(socket: socketOptions.resolved, db: ":memory:", command: "ack")
        let alerts: [Alert]
        if let alert = state.alerts[id] {
            alerts = [alert]
        } else if let job = state.jobID(for: id) {
            alerts = state.alerts.all.filter { $0.job == job && $0.isOpen && $0.ack == nil }
            if alerts.isEmpty { throw CLIError("pipetop ack: job '\(job)' has no open alert that is not acknowledged") }
        } else {
            let near = state.alerts.all.filter(\.isOpen).map(\.id).prefix(5).joined(separator: ", ")
            throw CLIError("pipetop ack: no alert and no job has the id '\(id)'" + (near.isEmpty ? " (no alert is open)" : " (open alerts: \(near))"))
        }
        for alert in alerts {
            try EngineRequest.send(Event(job: alert.job, .ack(.init(alert: alert.id, by: userAtHost(), comment: comment))),
                                   socket: socketOptions.resolved, command: "ack")
            print("acknowledged \(alert.id)")
        }
    }
}

struct SilenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Mute alerts for a while: of a rule, of a job, or of jobs with a label.",
        discussion: """
        Silenced alerts are still tracked and listed, but send no notification and do not count as needing attention.

        Examples:
          pipetop silence --rule stalled --for 1h
          pipetop silence --job import-42 --for 30m --comment "maintenance"
          pipetop silence --match team=data --rule slow --for 2h
          pipetop silence --expire s12345678-1      # lift early (id: pipetop alerts)
        """)

    @Option(name: .long, help: "The rule (e.g. stalled, error-rate, or a configured rule's name).")
    var rule: String?

    @Option(name: .long, help: "The job, by id or name (a name means its newest run's id, which `pipetop run` and the clients keep across runs).")
    var job: String?

    @Option(name: .long, help: ArgumentHelp("Jobs whose label KEY is VALUE (repeatable).", valueName: "KEY=VALUE"))
    var match: [String] = []

    @Option(name: .customLong("for"), help: ArgumentHelp("How long: 90s, 30m, 2h, 1d.", valueName: "duration"))
    var duration: String?

    @Option(name: .long, help: ArgumentHelp("Lift this silence now (its id, as `pipetop alerts` lists it).", valueName: "id"))
    var expire: String?

    @Option(name: .long, help: "Why.")
    var comment: String?

    @OptionGroup var socketOptions: SocketOptions

    /// "90s", "30m", "2h", "1d", "1h30m" or plain seconds.
    static func seconds(_ text: String) -> Double? { DurationText.seconds(text) }

    func validate() throws {
        if expire != nil {
            guard rule == nil && job == nil && match.isEmpty && duration == nil else {
                throw ValidationError("--expire lifts a silence by its id; it takes no --rule, --job, --match or --for")
            }
            return
        }
        if rule == nil && job == nil && match.isEmpty { throw ValidationError("name a --rule, a --job or a --match") }
        guard let duration else { throw ValidationError("say for how long with --for, like --for 1h") }
        if Self.seconds(duration) == nil { throw ValidationError("--for takes a duration like 90s, 30m, 2h or 1d") }
        for m in match where !m.contains("=") { throw ValidationError("--match takes KEY=VALUE, not '\(m)'") }
    }

    func run() throws {
        if let expire {
            try EngineRequest.send(Event(job: Event.anyJob, .silence(.init(seconds: 0, by: userAtHost(), expire: expire))),
                                   socket: socketOptions.resolved, command: "silence")
            print("silence \(expire) lifted")
            return
        }
        var labels: [String: String] = [:]
        for m in match {
            let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
            labels[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        let seconds = Self.seconds(duration!)!
        var jobID = job
        if let job {
            let (state, _) = try StateReader.read(socket: socketOptions.resolved, db: ":memory:", command: "silence")
            jobID = job == Event.anyJob ? job : try JobArgument.id(job, in: state, command: "silence")
        }
        try EngineRequest.send(Event(job: jobID ?? Event.anyJob, .silence(.init(rule: rule, match: labels, seconds: seconds, by: userAtHost(), comment: comment))),
                               socket: socketOptions.resolved, command: "silence")
        print("silenced for \(Format.duration(seconds))")
    }
}

/// Sends one event to the engine and waits for its answer.
enum EngineRequest {
    static func send(_ event: Event, socket: String, command: String) throws {
        let conn: EngineConnection
        do { conn = try EngineConnection(path: socket) } catch { throw CLIError("pipetop \(command): \(error)") }
        defer { conn.close() }
        try conn.send(event)
        for case .error(_, let reason) in try conn.sync(timeout: 10) { throw CLIError("pipetop \(command): \(reason)") }
    }
}

/// Every text line this command prints is made terminal-safe (`TerminalSafe`); JSON goes out
/// exact through `Swift.print`.
private func print(_ text: String, terminator: String = "\n") {
    Swift.print(TerminalSafe.text(text), terminator: terminator)
}
