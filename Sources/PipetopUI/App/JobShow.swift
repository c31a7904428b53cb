import PipetopCore

/// Which jobs the overview shows: `v` cycles through them, and the header says which.
public enum JobShow: String, Sendable, CaseIterable {
    case all, active, failed

    public var next: JobShow { Self.allCases[(Self.allCases.firstIndex(of: self)! + 1) % Self.allCases.count] }

    /// What the header says this view holds.
    public var label: String {
        switch self {
        case .all: return "all"
        case .active: return "active"
        case .failed: return "failed/lost/alerting"
        }
    }

    func includes(_ j: BoardJob, alerting: Bool) -> Bool {
        switch self {
        case .all: return true
        // A lost job (its process gone with no end) is not going any more: the header counts
        // it lost, not running.
        case .active: return !j.state.isTerminal && !j.isLost
        // The jobs that need a person, as the attention order ranks them first (`JobAttention`).
        case .failed: return JobAttention(j, alerting: alerting).group == .needed
        }
    }
}
