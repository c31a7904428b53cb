/// Everything that changes a job is an `Event`, applied by one reducer (`PipelineState.apply`).
/// Events arrive from the socket, and later from the sampler, the store and recorded traces.
public struct Event: Sendable, Equatable {
    public var job: String
    /// Producer's time (epoch seconds); the engine's clock is used when absent.
    public var ts: Double?
    /// Producer's sequence number, kept for ordering diagnostics.
    public var seq: Int?
    public var body: Body
    /// Delivered late on purpose (from the spool, kept while no engine ran): its arrival says
    /// nothing about the producer's clock.
    public var spooled = false

    public init(job: String, ts: Double? = nil, seq: Int? = nil, _ body: Body) {
        self.job = job; self.ts = ts; self.seq = seq; self.body = body
    }

    /// Timestamps at or past this (the year 5000) are not times: the wire refuses them.
    public static let latestTimestamp = 1e11

    /// `ts` when it can be a time; the reducer uses the engine's clock for any other (an event
    /// made in-process is not checked by the wire), so one mad clock cannot skew a job by ages.
    public var plausibleTS: Double? {
        guard let ts, ts.isFinite, ts >= 0, ts < Self.latestTimestamp else { return nil }
        return ts
    }

    /// Rare, large payloads are boxed (`indirect`) so that the common small events
    /// (progress above all) are cheap to move through the ingest path.
    public enum Body: Sendable, Equatable {
        indirect case jobStart(JobStart)
        case phaseStart(PhaseStart)
        case progress(Progress)
        case step(StepUpdate)
        case phaseEnd(PhaseEnd)
        indirect case checkpoint(Checkpoint)
        case log(Log)
        case metric(Metric)
        case jobState(JobState)
        case jobEnd(JobEnd)
        indirect case alert(AlertEvent)
        /// Something the job made (a file, a table, a URL), listed for people to find.
        indirect case artifact(Artifact)
        indirect case ack(Ack)
        /// A rule the job declares for itself.
        indirect case rule(Rule)
        /// Mutes alerts for a while (job `*`: any job).
        indirect case silence(SilenceRequest)
        /// Forgets resolved alerts (job `*`: of every job); with an alert id, clears that one
        /// alert (acknowledged, raised by an event): resolved, and no longer listed.
        case clearAlerts(String?)
        /// Forgets a finished job (the dashboard's `D`): it leaves the list with its alerts; its
        /// past runs stay in the history.
        case forgetJob
        /// An alert as the engine's rules left it (raised, repeated, resolved): journaled by the
        /// engine itself, so that a restart rebuilds the alerts its timer made, and an `ack`
        /// journaled after one finds it. Not something a producer sends.
        indirect case alertRecord(Alert)
    }

    /// The job id that addresses every job (silence, alerts.clear).
    public static let anyJob = "*"

    /// Every event type's wire name (what `typeName` gives).
    public static let typeNames = ["job.start", "phase.start", "progress", "step", "phase.end", "checkpoint", "log", "metric", "job.state",
                                   "job.end", "alert", "artifact", "ack", "rule", "silence", "alerts.clear", "job.forget", "alert.record"]

    /// The wire name of this event's type.
    public var typeName: String {
        switch body {
        case .jobStart: return "job.start"
        case .phaseStart: return "phase.start"
        case .progress: return "progress"
        case .step: return "step"
        case .phaseEnd: return "phase.end"
        case .checkpoint: return "checkpoint"
        case .log: return "log"
        case .metric: return "metric"
        case .jobState: return "job.state"
        case .jobEnd: return "job.end"
        case .alert: return "alert"
        case .artifact: return "artifact"
        case .ack: return "ack"
        case .rule: return "rule"
        case .silence: return "silence"
        case .clearAlerts: return "alerts.clear"
        case .forgetJob: return "job.forget"
        case .alertRecord: return "alert.record"
        }
    }

    public struct PhaseDecl: Sendable, Equatable {
        public var id: String
        public var name: String?
        public init(id: String, name: String? = nil) { self.id = id; self.name = name }
    }

    public struct JobStart: Sendable, Equatable {
        public var name: String
        public var phases: [PhaseDecl]
        /// The process the job is: sampled, and the job is lost when it is gone without job.end.
        public var pid: Int32?
        /// A process only sampled (`sample_pid`; the engine fills in the sender when neither
        /// field is given): its end never makes the job lost.
        public var samplePid: Int32?
        /// `"pid": null`: watch no process, and sample none unless `samplePid` names one.
        public var unwatched = false
        public var labels: [String: String]
        /// Rules the job declares for itself (see `Rule.parse`).
        public var rules: [Rule] = []
        /// Finish by this time (epoch seconds); see `Deadline`.
        public var deadline: Double?
        /// Finish within this many seconds of the start.
        public var maxDuration: Double?
        /// `"state": "pending"`: the job is queued, waiting for a slot; it runs on `job.state
        /// running` or its first phase event.
        public var queued = false
        public init(name: String, phases: [PhaseDecl] = [], pid: Int32? = nil, samplePid: Int32? = nil, labels: [String: String] = [:]) {
            self.name = name; self.phases = phases; self.pid = pid; self.samplePid = samplePid; self.labels = labels
        }
    }

    public struct PhaseStart: Sendable, Equatable {
        public var phase: String
        public var name: String?
        public var total: Int?
        public var unit: String?
        /// The phase stands for the whole command until the job reports phases of its own.
        public var implicit: Bool
        public init(phase: String, name: String? = nil, total: Int? = nil, unit: String? = nil, implicit: Bool = false) {
            self.phase = phase; self.name = name; self.total = total; self.unit = unit; self.implicit = implicit
        }
    }

    /// Counts are absolute (`done`), so a lost or merged update is harmless; `inc` adds to `done`.
    public struct Progress: Sendable, Equatable {
        public var phase: String
        public var done: Int?
        public var inc: Int?
        public var failed: Int?
        public var skipped: Int?
        public var total: Int?
        /// The counts start again (a producer that restarted from zero): absolute counts lower
        /// than the phase's are taken instead of refused.
        public var reset = false
        public init(phase: String, done: Int? = nil, inc: Int? = nil, failed: Int? = nil, skipped: Int? = nil, total: Int? = nil,
                    reset: Bool = false) {
            self.phase = phase; self.done = done; self.inc = inc; self.failed = failed; self.skipped = skipped; self.total = total
            self.reset = reset
        }
    }

    public struct StepUpdate: Sendable, Equatable {
        public var phase: String
        public var step: String
        public var state: StepState
        public var detail: String?
        public init(phase: String, step: String, state: StepState, detail: String? = nil) {
            self.phase = phase; self.step = step; self.state = state; self.detail = detail
        }
    }

    public struct PhaseEnd: Sendable, Equatable {
        public var phase: String
        public var status: PhaseState
        public var error: String?
        public init(phase: String, status: PhaseState = .done, error: String? = nil) {
            self.phase = phase; self.status = status; self.error = error
        }
    }

    public struct Checkpoint: Sendable, Equatable {
        public var name: String
        public var phase: String?
        public var data: JSONValue?
        public init(name: String, phase: String? = nil, data: JSONValue? = nil) {
            self.name = name; self.phase = phase; self.data = data
        }
    }

    public struct Log: Sendable, Equatable {
        public var level: LogLevel
        public var message: String
        public var phase: String?
        public var category: String?
        public init(level: LogLevel, message: String, phase: String? = nil, category: String? = nil) {
            self.level = level; self.message = message; self.phase = phase; self.category = category
        }
    }

    public struct Metric: Sendable, Equatable {
        public var name: String
        public var value: Double
        public var kind: MetricKind
        public var phase: String?
        public init(name: String, value: Double, kind: MetricKind = .gauge, phase: String? = nil) {
            self.name = name; self.value = value; self.kind = kind; self.phase = phase
        }
    }

    /// An alert a job raises itself. `name` groups repeats (default: the message); `resolved`
    /// closes the alert of that name.
    public struct Artifact: Sendable, Equatable {
        public var name: String
        public var location: String?
        public var size: Int?
        public var phase: String?
        public init(name: String, location: String? = nil, size: Int? = nil, phase: String? = nil) {
            self.name = name; self.location = location; self.size = size; self.phase = phase
        }
    }

    public struct AlertEvent: Sendable, Equatable {
        public var severity: Alert.Severity
        public var message: String
        public var phase: String?
        public var name: String?
        public var resolved: Bool
        /// Carried by the alert (over the job's labels) to notifications.
        public var labels: [String: String] = [:]
        /// Free-form facts for the person it reaches (a JSON object).
        public var context: JSONValue?
        public init(severity: Alert.Severity = .warning, message: String, phase: String? = nil, name: String? = nil, resolved: Bool = false,
                    labels: [String: String] = [:], context: JSONValue? = nil) {
            self.severity = severity; self.message = message; self.phase = phase; self.name = name; self.resolved = resolved
            self.labels = labels; self.context = context
        }
    }

    /// Mutes the alerts of a rule, of a job (the event's job, unless `*`), or of jobs whose
    /// labels match, for `seconds`.
    public struct SilenceRequest: Sendable, Equatable {
        public var rule: String?
        public var match: [String: String]
        public var seconds: Double
        public var by: String
        public var comment: String?
        /// Lifts the silence with this id now instead (`seconds` is then unused).
        public var expire: String?
        public init(rule: String? = nil, match: [String: String] = [:], seconds: Double, by: String, comment: String? = nil, expire: String? = nil) {
            self.rule = rule; self.match = match; self.seconds = seconds; self.by = by; self.comment = comment; self.expire = expire
        }
    }

    /// "Seen": stops an alert from asking for attention until it resolves.
    public struct Ack: Sendable, Equatable {
        public var alert: String
        public var by: String
        public var comment: String?
        public init(alert: String, by: String, comment: String? = nil) { self.alert = alert; self.by = by; self.comment = comment }
    }

    public struct JobEnd: Sendable, Equatable {
        public var status: JobState
        public var error: String?
        /// Ended by the engine itself (`"by":"engine"`), not by the job: a provisional verdict
        /// that the job's own next report undoes.
        public var byEngine = false
        /// What the job's process used in all, when its parent knows (`pipetop run`).
        public var totals: RunTotals?
        public init(status: JobState, error: String? = nil, byEngine: Bool = false, totals: RunTotals? = nil) {
            self.status = status; self.error = error; self.byEngine = byEngine; self.totals = totals
        }
    }
}

extension Event.Body {
    /// The phase a phase-level event is about.
    public var phaseID: String? {
        switch self {
        case .phaseStart(let e): return e.phase
        case .progress(let e): return e.phase
        case .step(let e): return e.phase
        case .phaseEnd(let e): return e.phase
        default: return nil
        }
    }
}
