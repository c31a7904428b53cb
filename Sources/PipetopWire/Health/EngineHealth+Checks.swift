import PipetopCore

/// The verdict: each part of the engine checked against its limit, the worst check winning.
/// A reason says what was seen and what it means for what is reported.
extension EngineHealth {
    /// Rows waiting for the disk past which the journal is "behind" (while the disk works).
    public static let backlogWarning = 10_000
    /// A sampler that has not read /proc for this many intervals (and at least `samplerLateMin`
    /// seconds) has stopped or hangs.
    public static let samplerLateIntervals = 10.0
    public static let samplerLateMin = 10.0
    /// Deliveries waiting for one notification target past which its queue is backing up.
    public static let notifierQueueWarning = 100
    /// Failed attempts in a row past which a target "keeps failing".
    public static let notifierFailuresWarning = 3

    /// The checks by name, in the order `status` prints them (also the `check` label of
    /// `pipetop_engine_health_check`).
    public static let checks = ["database", "journal", "sampler", "notifier"]

    static func reasons(database db: Database, sampler: Sampler?, notifiers: [Target]) -> [Reason] {
        var out: [Reason] = []
        if db.refusing {
            out.append(Reason(check: "database", status: .unhealthy, message: "events are being refused: the database \(db.path ?? "") "
                + "cannot be written (\(db.error ?? "no reason given")) and \(db.backlog) events already wait in memory, the limit"))
        } else if !db.writable {
            let one = db.backlog == 1
            out.append(Reason(check: "database", status: .degraded, message: "the database \(db.path ?? "") cannot be written "
                + "(\(db.error ?? "no reason given")); \(db.backlog) event\(one ? " waits" : "s wait") in memory (up to "
                + "\(db.backlogLimit)) and \(one ? "is" : "are") written when it can be, but \(one ? "is" : "are") lost if the engine stops before then"))
        } else if db.backlog > backlogWarning {
            out.append(Reason(check: "journal", status: .degraded, message: "the journal is behind: \(db.backlog) events wait to be "
                + "written to \(db.path ?? "the database") (more than \(backlogWarning)); the disk is slower than the events arrive"))
        }
        if let s = sampler {
            let late = max(samplerLateMin, samplerLateIntervals * s.intervalS)
            if let age = s.lastSampleAgeS, age > late {
                out.append(Reason(check: "sampler", status: .degraded, message: "the sampler has not read /proc for \(Format.duration(age)) "
                    + "(it should every \(seconds(s.intervalS))): CPU and memory figures are stale and lost processes go unseen"))
            }
        }
        for t in notifiers {
            if t.queued > notifierQueueWarning {
                out.append(Reason(check: "notifier", status: .degraded, message: "notifications to \(t.name) are backing up: \(t.queued) wait "
                    + "to be sent (more than \(notifierQueueWarning))"))
            } else if t.failingInARow >= notifierFailuresWarning {
                out.append(Reason(check: "notifier", status: .degraded, message: "notifications to \(t.name) keep failing: "
                    + "the last \(t.failingInARow) attempts failed" + (t.lastError.map { " (\($0))" } ?? "")))
            }
        }
        return out
    }

    /// "1s", "0.5s".
    public static func seconds(_ s: Double) -> String {
        s >= 1 && s == s.rounded() ? Format.duration(s) : String(format: "%.2gs", s)
    }

    /// The status of one check (healthy when no reason names it).
    public func status(of check: String) -> Status {
        reasons.filter { $0.check == check }.map(\.status).max() ?? .healthy
    }
}
