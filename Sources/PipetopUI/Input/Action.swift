import Foundation

/// What a key does.
public enum Action: String, Sendable, CaseIterable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case drill, back, filter, help, quit
    case acknowledge, acknowledgeAll, silence, clearResolved, alerts, focusAlerts
    case nextFailed, previousFailed
    case sortNext, sortReverse, showNext
    case endJob, signalJob, forgetJob
    case openLog, follow, hosts
}
