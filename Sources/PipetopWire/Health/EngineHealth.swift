import PipetopCore

/// How the engine itself is doing (`pipetop status`, `/metrics`' `pipetop_engine_health`):
/// the facts gathered from its parts and the verdict drawn from them, each reason a sentence.
/// The answer to `{"type":"health"}` is this, as `{"type":"health",...}`.
public struct EngineHealth: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, Comparable, CaseIterable {
        /// Everything works.
        case healthy
        /// Works, but something needs a look: nothing reported is lost yet.
        case degraded
        /// Reports are being lost or refused.
        case unhealthy

        /// The exit status of `pipetop status` and the value of `pipetop_engine_health`.
        public var code: Int {
            switch self {
            case .healthy: return 0
            case .degraded: return 1
            case .unhealthy: return 2
            }
        }

        public static func < (a: Status, b: Status) -> Bool { a.code < b.code }
    }

    /// One check that is not healthy: which part (`database`, `journal`, `sampler`, `notifier`)
    /// and why, in a sentence.
    public struct Reason: Sendable, Codable, Equatable {
        public var check: String
        public var status: Status
        public var message: String
        public init(check: String, status: Status, message: String) { self.check = check; self.status = status; self.message = message }
    }

    public struct Database: Sendable, Codable, Equatable {
        /// nil: the engine keeps no database (events live in memory only).
        public var path: String?
        public var writable: Bool
        /// Why it cannot be written just now.
        public var error: String?
        /// Journal rows applied but not yet on disk.
        public var backlog: Int
        /// Past this many waiting rows, while the disk fails, events are refused.
        public var backlogLimit: Int
        /// Events are being refused: the backlog is at its limit while the disk fails.
        public var refusing: Bool
        public init(path: String?, writable: Bool, error: String? = nil, backlog: Int = 0, backlogLimit: Int = 0, refusing: Bool = false) {
            self.path = path; self.writable = writable; self.error = error; self.backlog = backlog
            self.backlogLimit = backlogLimit; self.refusing = refusing
        }
        enum CodingKeys: String, CodingKey {
            case path, writable, error, backlog, backlogLimit = "backlog_limit", refusing
        }
    }

    public struct Sampler: Sendable, Codable, Equatable {
        public var intervalS: Double
        /// Seconds since its last reading (since the engine started, before the first).
        public var lastSampleAgeS: Double?
        public init(intervalS: Double, lastSampleAgeS: Double?) { self.intervalS = intervalS; self.lastSampleAgeS = lastSampleAgeS }
        enum CodingKeys: String, CodingKey { case intervalS = "interval_s", lastSampleAgeS = "last_sample_age_s" }
    }

    /// One notification target's queue.
    public struct Target: Sendable, Codable, Equatable {
        public var name: String
        /// Deliveries waiting to be sent.
        public var queued: Int
        public var sent: Int
        /// Attempts that failed since the last success.
        public var failingInARow: Int
        /// Notifications given up after every attempt failed.
        public var givenUp: Int
        public var dropped: Int
        public var lastError: String?
        public init(name: String, queued: Int = 0, sent: Int = 0, failingInARow: Int = 0, givenUp: Int = 0, dropped: Int = 0, lastError: String? = nil) {
            self.name = name; self.queued = queued; self.sent = sent; self.failingInARow = failingInARow
            self.givenUp = givenUp; self.dropped = dropped; self.lastError = lastError
        }
        enum CodingKeys: String, CodingKey {
            case name, queued, sent, failingInARow = "failing_in_a_row", givenUp = "given_up", dropped, lastError = "last_error"
        }
    }

    /// Jobs declared with `state: pending` that have not started.
    public struct Queue: Sendable, Codable, Equatable {
        public var waiting: Int
        /// The longest wait so far (nil: nothing waits).
        public var longestWaitS: Double?
        public init(waiting: Int = 0, longestWaitS: Double? = nil) { self.waiting = waiting; self.longestWaitS = longestWaitS }
        enum CodingKeys: String, CodingKey { case waiting, longestWaitS = "longest_wait_s" }
    }

    /// The schema of the JSON `pipetop status --json` prints (docs/PROTOCOL.md, "health").
    public static let schema = "pipetop.status/1"

    public var schema = Self.schema
    public var status: Status
    public var reasons: [Reason]
    public var version: String
    public var pid: Int32
    /// The engine's clock when it answered, and when it started (seconds since the epoch).
    public var now: Double
    public var startedAt: Double
    public var uptimeS: Double { max(0, now - startedAt) }
    public var socket: String?
    public var database: Database
    /// nil: sampling is off.
    public var sampler: Sampler?
    public var notifiers: [Target]
    public var viewers: Int
    /// Jobs the engine knows, by state (every key of `jobKeys`, 0 included). A lost job is
    /// counted under `lost`, not under the state it was left in.
    public var jobs: [String: Int]
    /// The key for lost jobs: unfinished, their process gone with no job.end.
    public static let lost = "lost"
    /// The keys of `jobs`, in the order people read them: the state machine's, lost after running.
    public static var jobKeys: [String] {
        JobState.allCases.map(\.rawValue).flatMap { $0 == JobState.running.rawValue ? [$0, lost] : [$0] }
    }
    public var queue: Queue

    enum CodingKeys: String, CodingKey {
        case schema, status, reasons, version, pid, now, startedAt = "started_at", uptimeS = "uptime_s", socket, database, sampler,
             notifiers, viewers, jobs, queue
    }

    /// The facts; `status` and `reasons` are drawn from them (`judged`).
    public init(version: String, pid: Int32, now: Double, startedAt: Double, socket: String?, database: Database, sampler: Sampler?,
                notifiers: [Target], viewers: Int, jobs: [String: Int], queue: Queue) {
        self.version = version; self.pid = pid; self.now = now; self.startedAt = startedAt; self.socket = socket
        self.database = database; self.sampler = sampler; self.notifiers = notifiers; self.viewers = viewers
        self.jobs = jobs; self.queue = queue
        reasons = Self.reasons(database: database, sampler: sampler, notifiers: notifiers)
        status = reasons.map(\.status).max() ?? .healthy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decodeIfPresent(String.self, forKey: .schema) ?? Self.schema
        status = try c.decode(Status.self, forKey: .status)
        reasons = try c.decode([Reason].self, forKey: .reasons)
        version = try c.decode(String.self, forKey: .version)
        pid = try c.decode(Int32.self, forKey: .pid)
        now = try c.decode(Double.self, forKey: .now)
        startedAt = try c.decode(Double.self, forKey: .startedAt)
        socket = try c.decodeIfPresent(String.self, forKey: .socket)
        database = try c.decode(Database.self, forKey: .database)
        sampler = try c.decodeIfPresent(Sampler.self, forKey: .sampler)
        notifiers = try c.decode([Target].self, forKey: .notifiers)
        viewers = try c.decode(Int.self, forKey: .viewers)
        jobs = try c.decode([String: Int].self, forKey: .jobs)
        queue = try c.decode(Queue.self, forKey: .queue)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(status, forKey: .status)
        try c.encode(reasons, forKey: .reasons)
        try c.encode(version, forKey: .version)
        try c.encode(pid, forKey: .pid)
        try c.encode(now, forKey: .now)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode((uptimeS * 1000).rounded() / 1000, forKey: .uptimeS)
        try c.encodeIfPresent(socket, forKey: .socket)
        try c.encode(database, forKey: .database)
        try c.encodeIfPresent(sampler, forKey: .sampler)
        try c.encode(notifiers, forKey: .notifiers)
        try c.encode(viewers, forKey: .viewers)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(queue, forKey: .queue)
    }
}
