import PipetopCore

/// Which jobs the overview shows: `v` cycles through them, and the header says which.
public enum JobShow: String, Sendable, CaseIterable {
    case all, active, failed

    public var next: JobShow { Self.allCases[(Self.allCases.firstIndex(of: self)! + 1) % Self.allCases.count] }

    func includes(_ j: BoardJob, alerting: Bool) -> Bool {
        switch self {
        case .all: return true
        case .active: return !j.state.isTerminal
        case .failed: return j.state == .failed || alerting
        }
    }
}
