import PipetopCore

/// The order of the overview's jobs, as htop and k9s sort their lists: `o` picks the next key,
/// `O` turns the order round. Each key has the direction people reach for first.
public enum JobSort: String, Sendable, CaseIterable {
    /// Failed, lost or alerting first, then running, then finished; newest first in each group
    /// (the Board's order, `JobAttention`).
    case attention
    case name, progress, eta, elapsed, cpu, memory, state

    /// The column header that carries the mark ("" when the column is not on screen: the
    /// header says it instead).
    public var column: String {
        switch self {
        case .attention: return ""
        case .name: return "JOB"
        case .progress: return "PROGRESS"
        case .eta: return "ETA"
        case .elapsed: return "ELAPSED"
        case .cpu, .memory, .state: return ""
        }
    }

    /// Whether the first rows have the smallest values (names A-Z, soonest ETA) before `O`.
    public var ascending: Bool { [.name, .eta, .attention, .state].contains(self) }

    /// How the order is said where no column carries it: "by cpu".
    public var words: String { self == .attention ? "needs attention first" : "by \(rawValue)" }

    public var next: JobSort { Self.allCases[(Self.allCases.firstIndex(of: self)! + 1) % Self.allCases.count] }

    /// `a` before `b` in this order (before reversing); nil when they tie, and always for
    /// `attention`, the default order the caller falls back on (`JobAttention`).
    func before(_ a: BoardJob, _ b: BoardJob, at now: Double) -> Bool? {
        func cmp<T: Comparable>(_ x: T?, _ y: T?, ascending: Bool) -> Bool? {
            switch (x, y) {
            case (nil, nil): return nil
            case (nil, _): return false  // nothing to sort by: last
            case (_, nil): return true
            case let (x?, y?): return x == y ? nil : (ascending ? x < y : x > y)
            }
        }
        switch self {
        case .attention: return nil
        case .name: return cmp(a.name.lowercased(), b.name.lowercased(), ascending: true)
        case .progress: return cmp(a.fraction(at: now), b.fraction(at: now), ascending: false)
        case .eta:
            func left(_ j: BoardJob) -> Double? { j.state.isTerminal ? nil : j.eta.map { $0.left(at: now).remaining } }
            return cmp(left(a), left(b), ascending: true)
        case .elapsed: return cmp((a.endedAt ?? now) - a.startedAt, (b.endedAt ?? now) - b.startedAt, ascending: false)
        case .cpu: return cmp(a.state.isTerminal ? nil : a.resources?.cpuNow, b.state.isTerminal ? nil : b.resources?.cpuNow, ascending: false)
        case .memory: return cmp(a.state.isTerminal ? nil : a.resources?.rssNow, b.state.isTerminal ? nil : b.resources?.rssNow, ascending: false)
        case .state: return cmp(Self.stateOrder(a), Self.stateOrder(b), ascending: true)
        }
    }

    /// Failed and lost first (a lost job is left running, but its row says lost), as the
    /// rows say the state.
    private static func stateOrder(_ j: BoardJob) -> Int {
        if j.isLost { return 0 }
        switch j.state {
        case .failed: return 0
        case .running, .completing: return 1
        case .pausing, .paused: return 2
        case .pending: return 3
        case .canceling, .canceled: return 4
        case .completed: return 5
        case .unknown: return 6  // an engine newer than this viewer
        }
    }
}
