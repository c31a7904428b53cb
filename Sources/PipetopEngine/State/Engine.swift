import Foundation
import PipetopCore
import PipetopSpool
import PipetopStore
import PipetopWire
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The engine's state and the one door into it. Socket handlers on several NIO threads
/// apply events here; viewers copy snapshots out. Every applied event moves `version`.
public final class Engine: Sendable {
    public let clock: any Clock
    private let inner: Mutex<Inner>
    /// Where applied events go to disk (nil: nothing is kept).
    public let journal: Journal?
    /// When the engine started (engine clock), for its uptime.
    public let startedAt: Double
    /// The parts besides the state that `health()` asks (see Engine+Health.swift).
    let healthParts = Mutex(HealthParts())

    private struct Inner {
        var state = PipelineState()
        var version: UInt64 = 0
        var applied: UInt64 = 0
        var refused: UInt64 = 0
        /// Sequence number of the last event given to the journal.
        var seq: Int64 = 0
        /// Applied events for the viewers that asked for the event stream (nil until one did).
        var events: EventLog?
    }

    public init(clock: any Clock = SystemClock(), state: PipelineState = PipelineState()) {
        self.clock = clock
        self.inner = Mutex(Inner(state: state))
        journal = nil
        startedAt = clock.now()
    }

    /// An engine that keeps its history in `store`: the state is rebuilt from the store's
    /// newest snapshot and the journal after it, then every applied event is journaled.
    /// Events kept in the spool (`spoolDrain`) are applied next, then jobs whose process died
    /// while no engine was running are ended as failed.
    public init(clock: any Clock = SystemClock(), store: Store, snapshotEvery: Double = 60,
                keepDays: Double? = 30, maxBytes: Int? = 512 << 20, spoolDrain: SpoolDrain? = nil) throws {
        self.clock = clock
        startedAt = clock.now()
        let (state, lastSeq) = try store.restoreState()
        inner = Mutex(Inner(state: state, seq: lastSeq))
        let journal = Journal(store: store, committedThrough: lastSeq, snapshotEvery: snapshotEvery)
        journal.keepDays = keepDays
        journal.maxBytes = maxBytes
        self.journal = journal
        journal.snapshotSource = { [unowned self] in self.inner.withLock { ($0.state, $0.seq, $0.version) } }
        // A database that cannot be written is an alert of pipetop's own (every viewer sees it).
        journal.onHealthChange = { [unowned self] failure in
            if let failure {
                raiseOwnAlert(kind: Self.unsavedAlert, severity: .critical,
                              message: "events are not saved (\(failure.reason)): \(failure.path) cannot be written; "
                                  + "up to \(journal.maxBacklog) wait in memory and are written when it can be")
            } else {
                let now = clock.now()
                inner.withLock { s in
                    s.state.resolveOwnAlert(kind: Self.unsavedAlert, at: now)
                    s.version &+= 1
                }
            }
        }
        journal.spoolOnStop = spoolDrain?.spool
        journal.start()
        // Before the dead-process check: a spooled job.end of a command that exited while no
        // engine ran is what gets recorded, not "ended while no engine was running".
        spoolDrain?.drain(into: self)
        endJobsLostWhileDown()
    }

    /// Jobs whose watched process ended while no engine was running are ended as failed, a
    /// provisional verdict (`by: engine`): the job's own next report (a spooled job.end
    /// above all) undoes it and wins.
    func endJobsLostWhileDown() {
        let now = clock.now()
        for job in snapshot().state.jobs.values where !job.state.isTerminal {
            guard let pid = job.pid, kill(pid, 0) != 0, errno == ESRCH else { continue }
            let why = PipelineState.goneMessage(pid: pid, goneAt: job.pidGoneAt ?? now, lastReport: job.updatedAt,
                                                engineStart: job.pidGoneAt == nil)
            apply(Event(job: job.id, .jobEnd(.init(status: .failed, error: why, byEngine: true))))
        }
    }

    /// The kind of pipetop's own alert while its database cannot be written.
    public static let unsavedAlert = PipelineState.notSavedKind

    /// Commits the journal and stops its writer.
    public func close() { journal?.close() }

    /// Applies one event; returns why it was refused, or nil. `line` is the event as it came
    /// on the wire (journaled as is); events made in-process are encoded for the journal.
    @discardableResult
    public func apply(_ event: Event, line: String? = nil) -> ApplyError? {
        apply([event], lines: line.map { [$0] }).first?.1
    }

    /// Applies events in order under one lock (a connection's read); returns the index and
    /// reason of each refused one. `lines` (when there is a journal) are the events as sent.
    public func apply(_ events: [Event], lines: [String]?) -> [(Int, ApplyError)] {
        let now = clock.now()
        var refused: [(Int, ApplyError)] = []
        inner.withLock { s in
            guard let journal else {
                for (k, event) in events.enumerated() { apply(event, line: lines?[k], at: now, in: &s, index: k, refused: &refused) }
                return
            }
            // The journal's queue is locked once for the read; each event goes into it as applied.
            journal.enqueue { queue in
                var queued = 0
                for (k, event) in events.enumerated() {
                    // What waits for a failing disk is bounded: past it, events are refused, saying why.
                    if let why = journal.refusal(more: queued) {
                        s.refused &+= 1
                        refused.append((k, ApplyError(why)))
                        continue
                    }
                    guard apply(event, line: lines?[k], at: now, in: &s, index: k, refused: &refused) else { continue }
                    s.seq += 1
                    queued += 1
                    // Progress is written from its counts by the journal's writer, if they are
                    // not merged away (no string made for it here).
                    if case .progress(let p) = event.body {
                        queue.add(progress: p, of: event, seq: s.seq, at: now)
                    } else {
                        let line = lines?[k] ?? String(EventEncoder.line(event).dropLast())
                        queue.add(Journal.Applied(entry: Store.Entry(seq: s.seq, at: now, job: event.job, line: line, type: event.typeName)))
                    }
                }
            }
        }
        return refused
    }

    /// Applies one event of a read; false (and the reason noted) when it is refused.
    /// (`line`: the event as sent, for the event stream when a viewer asked for it.)
    private func apply(_ event: Event, line: String?, at now: Double, in s: inout Inner, index k: Int,
                       refused: inout [(Int, ApplyError)]) -> Bool {
        do throws(ApplyError) {
            try s.state.apply(event, now: now)
            s.version &+= 1
            s.applied &+= 1
            s.events?.record(event, line: line?.isEmpty == false ? line : nil)  // progress comes without its text
            return true
        } catch {
            s.refused &+= 1
            refused.append((k, error))
            return false
        }
    }

    /// Starts keeping applied events for the event stream (from the next one).
    func keepEvents() {
        let now = clock.now()
        inner.withLock { s in if s.events == nil { s.events = EventLog(startedAt: now) } }
    }

    /// The number of the last event a client resuming after `since` is taken to have had
    /// (`EventLog.resumePoint`).
    func resumePoint(since: UInt64?) -> UInt64 {
        inner.withLock { s in s.events?.resumePoint(since: since) ?? 0 }
    }

    /// Applied events numbered after `seq` (oldest first), with the oldest number still kept
    /// and the next to come.
    func events(after seq: UInt64) -> (entries: [EventLog.Entry], oldest: UInt64, next: UInt64) {
        inner.withLock { s in
            guard let log = s.events else { return ([], 1, 1) }
            return (Array(log.after(seq)), log.oldest, log.next)
        }
    }

    /// Applies a sampler reading (host and process-tree figures).
    public func apply(_ reading: SamplerReading) {
        inner.withLock { s in
            s.state.apply(reading)
            s.version &+= 1
        }
    }

    /// What moves with time rather than with events, about once a second: fresh estimates for
    /// the unfinished jobs, and every alert rule evaluated. True when anything shown changed.
    @discardableResult
    public func tick() -> Bool {
        let now = clock.now()
        return inner.withLock { s in
            let before = Self.shownEstimates(s.state)
            let alertsBefore = s.state.alerts
            s.state.refreshEstimates(now: now)
            s.state.evaluateRules(now: now)
            let after = Self.shownEstimates(s.state)
            guard before != after || alertsBefore != s.state.alerts else { return false }
            if alertsBefore != s.state.alerts { journalAlertChanges(from: alertsBefore, in: &s, at: now) }
            s.version &+= 1
            return true
        }
    }

    /// The estimates unfinished jobs show, read in place: filtering the jobs first copied every
    /// unfinished job (10,000 of them) twice a tick, under the engine's lock.
    private static func shownEstimates(_ state: PipelineState) -> [Estimate?] {
        let jobs = state.jobs
        var shown: [Estimate?] = []
        shown.reserveCapacity(state.liveJobs)
        for i in jobs.indices where !jobs.values[i].state.isTerminal { shown.append(state.estimates.jobs[jobs.keys[i]]?.eta?.shown) }
        return shown
    }

    /// Alerts the timer's rules raised, repeated or resolved go to the journal as they now are
    /// (`alert.record`): restarting from the database rebuilds them, and an `ack` journaled
    /// after one finds it (before, a synced ack was lost on kill -9 and the alert came back
    /// unacknowledged with a new start).
    private func journalAlertChanges(from before: AlertBook, in s: inout Inner, at now: Double) {
        guard let journal else { return }
        var old: [String: Alert] = [:]
        for a in before.all { old[a.id] = a }
        for a in s.state.alerts.all where old[a.id] != a {
            let event = Event(job: a.job, .alertRecord(a))
            s.seq += 1
            journal.enqueue([Journal.Applied(entry: Store.Entry(seq: s.seq, at: now, job: a.job, line: String(EventEncoder.line(event).dropLast()),
                                                                type: event.typeName))])
        }
    }

    /// Raises an alert about pipetop itself (a notification given up, say): job `pipetop`.
    public func raiseOwnAlert(kind: String, severity: Alert.Severity, message: String) {
        let now = clock.now()
        inner.withLock { s in
            s.state.raiseOwnAlert(kind: kind, severity: severity, message: message, at: now)
            s.version &+= 1
        }
    }

    /// Installs the configured alert rules (built-ins named in `off` are switched off).
    public func configureRules(_ rules: [Rule], off: Set<String>) {
        inner.withLock { s in
            s.state.configureRules(rules, off: off)
            s.version &+= 1
        }
    }

    /// Installs the pipelines' promises (`[[sla]]`).
    public func configureServiceLevels(_ levels: [ServiceLevel]) {
        let now = clock.now()
        inner.withLock { s in
            s.state.configureServiceLevels(levels, at: now)
            s.version &+= 1
        }
    }

    /// Counts a line refused before it reached the reducer (bad JSON, bad field...).
    public func countRefusedLine() { inner.withLock { $0.refused &+= 1 } }

    public var version: UInt64 { inner.withLock { $0.version } }

    /// The journal sequence number of the last applied event (what a `sync` waits for).
    public var lastSeq: Int64 { inner.withLock { $0.seq } }

    /// A copy of the state and its version (cheap: the state is copy-on-write).
    public func snapshot() -> (version: UInt64, state: PipelineState) {
        inner.withLock { ($0.version, $0.state) }
    }

    public struct Counters: Sendable, Equatable {
        public var applied: UInt64
        public var refused: UInt64
    }

    public var counters: Counters { inner.withLock { Counters(applied: $0.applied, refused: $0.refused) } }
}
