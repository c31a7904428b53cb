import Foundation

/// Where the person is: each screen has its own keys (and shares the global ones).
public enum Context: String, Sendable, CaseIterable {
    case overview, job, phase, alerts, text, hosts
}
